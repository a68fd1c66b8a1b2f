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


def word(key: str, language: str = "en") -> str:
    return WORDS[key][INDEX.get(language, 0)]
