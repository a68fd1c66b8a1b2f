"""Evidence packs: everything the record holds about a post or an incident, in a zipped BagIt
bag that anyone can verify offline with Python and ``cryptography`` alone."""
