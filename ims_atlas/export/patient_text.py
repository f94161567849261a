"""What a handout says about IMS and what to expect: plain words, every statement sourced.

Each statement cites sources by id. Ids of the bundled catalog are used where the catalog has
the source; :data:`EXTRA_SOURCES` holds the few read for the handout alone (the catalog's
entry wins if it gains one with the same id). Numbers are the sources' own: nothing here is
rounded up or invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from ims_atlas.catalog.entries import Source


@dataclass(frozen=True)
class Statement:
    """A sentence or two of patient text and the sources that support it."""

    text: str
    sources: tuple[str, ...]


#: Sources cited here that the bundled catalog does not hold.
EXTRA_SOURCES: dict[str, Source] = {
    "martin_pintado2018": Source(
        "martin_pintado2018",
        "Martín-Pintado-Zugasti A, Mayoral del Moral O, Gerwin RD, Fernández-Carnero J. Post-needling soreness after "
        "myofascial trigger point dry needling: current status and future research. J Bodyw Mov Ther "
        "2018;22(4):941-946. doi:10.1016/j.jbmt.2018.01.003.",
        "https://pubmed.ncbi.nlm.nih.gov/30368339/",
        "Read: abstract (PubMed). 'Postneedling soreness is a very frequent effect after deep dry needling, usually "
        "lasting less than 72 h.'",
    ),
}

#: What IMS is.
ABOUT_IMS: tuple[Statement, ...] = (
    Statement(
        "IMS (intramuscular stimulation) was developed by Dr C. Chan Gunn in the 1970s. It sees long-lasting muscle "
        "pain as coming from an irritated nerve root near the spine.",
        ("gunn1996", "gunn1976"),
    ),
    Statement(
        "When a nerve root is irritated, the muscles it supplies can go into spasm and become tight.",
        ("gunn1996",),
    ),
    Statement(
        "The treatment is dry needling: a needle is placed in the centre of a tight, tender band of muscle, or "
        "near the spine where the nerve root may be irritated. Nothing is injected.",
        ("gunn1996", "kalichman2010"),
    ),
)

#: What to expect during and after treatment (short: the handout has two pages).
WHAT_TO_EXPECT: tuple[Statement, ...] = (
    Statement(
        "A needle in a normal muscle is painless. A tight, over-sensitive muscle 'grasps' the needle, which feels "
        "like a cramp, and it may twitch briefly (a 'local twitch response').",
        ("gunn1996", "kalichman2010"),
    ),
    Statement(
        "Soreness in the treated muscles afterwards is very common. It usually lasts less than three days (72 hours).",
        ("martin_pintado2018",),
    ),
    Statement(
        "Mild bleeding, bruising or pain from the needle are common (19% of 7,629 treatments in one report). Serious "
        "problems are rare (0.04% or less in that report).",
        ("brady2014_dn_adverse_events",),
    ),
    Statement(
        "Say at once if you feel a stinging, burning or shooting pain while a needle is in: it will be taken out.",
        ("acts_vessels_nerves",),
    ),
)
