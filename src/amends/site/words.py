"""The public site's own words, in English and Welsh: a post is shown in its own language, with
the site around it in that language too (Welsh Language Standards: Welsh no less favourably than
English)."""

WORDS: dict[str, tuple[str, str]] = {  # key: (English, Welsh)
    "skip": ("Skip to content", "Neidio i'r cynnwys"),
    "corrections_nav": ("Corrections and deletions", "Cywiriadau a dileadau"),
    "policy_nav": ("How we correct", "Sut rydym yn cywiro"),
    "feed": ("Feed", "Ffrwd"),
    "kept": (
        "Every post, correction and deletion here is kept in a tamper-evident record.",
        "Mae pob neges, cywiriad a dilead yma'n cael eu cadw mewn cofnod sy'n dangos unrhyw "
        "ymyrryd.",
    ),
    "checkpoint": ("Latest signed checkpoint", "Y pwynt gwirio llofnodedig diweddaraf"),
    "key": ("Verifier key", "Yr allwedd wirio"),
    "post": ("Post", "Neges"),
    "apology": ("Apology", "Ymddiheuriad"),
    "reply": ("Reply", "Ymateb"),
    "statement": ("Final statement", "Datganiad terfynol"),
    "of": ("of", ","),
    "in_reply_to": ("In reply to post", "Mewn ymateb i neges"),
    "corrections": ("Corrections", "Cywiriadau"),
    "corrected": ("Corrected", "Cywirwyd"),
    "responses": ("Our responses", "Ein hymatebion"),
    "other_language": ("Darllenwch hwn yn Gymraeg", "Read this in English"),
    # The listing pages (home, corrections and deletions), which exist in both languages.
    "nothing_yet": ("Nothing has been posted yet.", "Does dim wedi'i gyhoeddi eto."),
    "corrected_lower": ("corrected", "cywirwyd"),
    "page": ("page", "tudalen"),
    "post_lower": ("post", "neges"),
    "was_corrected": ("corrected.", "wedi'i chywiro."),
    "removed_because": ("removed because", "wedi'i dileu oherwydd"),
    "removed_because_sentence": ("Removed because", "Wedi'i dileu oherwydd"),
    "none_corrected": (
        "No post has been corrected or removed.",
        "Does dim neges wedi'i chywiro na'i dileu.",
    ),
    "earlier": ("Earlier", "Cynharach"),
    "later": ("Later", "Diweddarach"),
    "pages": ("Pages", "Tudalennau"),
    "site_nav": ("Site", "Gwefan"),
    "in_welsh": ("Cymraeg", "English"),
    "policy_title": (
        "How we correct and delete posts",
        "Sut rydym yn cywiro ac yn dileu negeseuon",
    ),
    # A removed post's page.
    "removed_title": ("Post {n} was removed", "Cafodd neges {n} ei dileu"),
    "removed_heading": ("This post was removed", "Cafodd y neges hon ei dileu"),
    "removed_when": ("We removed post {n} on", "Fe wnaethom ddileu neges {n} ar"),
    "because": ("because", "oherwydd"),
    "redacted_again": (
        "We published the rest of the message again, without what had to be removed:",
        "Fe wnaethom gyhoeddi gweddill y neges eto, heb yr hyn roedd rhaid ei dynnu:",
    ),
    "see_post": ("see post {n}", "gweler neges {n}"),
    "sealed_kept": (
        "We keep the original sealed, for complaints and legal proceedings only.",
        "Rydym yn cadw'r gwreiddiol wedi'i selio, ar gyfer cwynion ac achosion cyfreithiol yn "
        "unig.",
    ),
}
INDEX = {"en": 0, "cy": 1}


PREFIX = {"en": "/", "cy": "/cy/"}  # where each language's listing pages live


def word(key: str, language: str = "en") -> str:
    return WORDS[key][INDEX.get(language, 0)]
