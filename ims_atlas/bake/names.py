"""How myo-sim's OpenSim abbreviations map to IMS Atlas structures (ids, names, regions)."""

from __future__ import annotations

import re

#: Catalog muscle id -> (display name, region). The id is what ``site_catalog.json`` uses.
MUSCLES: dict[str, tuple[str, str]] = {
    "psoas_major": ("Psoas major", "lumbar spine"),
    "iliacus": ("Iliacus", "hip"),
    "rectus_abdominis": ("Rectus abdominis", "abdomen"),
    "external_oblique": ("External oblique", "abdomen"),
    "internal_oblique": ("Internal oblique", "abdomen"),
    "iliocostalis_lumborum": ("Iliocostalis lumborum", "lumbar spine"),
    "longissimus_thoracis": ("Longissimus thoracis", "thoracolumbar spine"),
    "quadratus_lumborum": ("Quadratus lumborum", "lumbar spine"),
    "multifidus": ("Multifidus", "lumbar spine"),
    "deltoid": ("Deltoid", "shoulder"),
    "supraspinatus": ("Supraspinatus", "shoulder"),
    "infraspinatus": ("Infraspinatus", "shoulder"),
    "subscapularis": ("Subscapularis", "shoulder"),
    "teres_minor": ("Teres minor", "shoulder"),
    "teres_major": ("Teres major", "shoulder"),
    "pectoralis_major": ("Pectoralis major", "chest"),
    "latissimus_dorsi": ("Latissimus dorsi", "back"),
    "coracobrachialis": ("Coracobrachialis", "arm"),
    "triceps_brachii": ("Triceps brachii", "arm"),
    "anconeus": ("Anconeus", "elbow"),
    "supinator": ("Supinator", "forearm"),
    "biceps_brachii": ("Biceps brachii", "arm"),
    "brachialis": ("Brachialis", "arm"),
    "brachioradialis": ("Brachioradialis", "forearm"),
    "extensor_carpi_radialis_longus": ("Extensor carpi radialis longus", "forearm"),
    "extensor_carpi_radialis_brevis": ("Extensor carpi radialis brevis", "forearm"),
    "extensor_carpi_ulnaris": ("Extensor carpi ulnaris", "forearm"),
    "flexor_carpi_radialis": ("Flexor carpi radialis", "forearm"),
    "flexor_carpi_ulnaris": ("Flexor carpi ulnaris", "forearm"),
    "palmaris_longus": ("Palmaris longus", "forearm"),
    "pronator_teres": ("Pronator teres", "forearm"),
    "pronator_quadratus": ("Pronator quadratus", "forearm"),
    "flexor_digitorum_superficialis": ("Flexor digitorum superficialis", "forearm"),
    "flexor_digitorum_profundus": ("Flexor digitorum profundus", "forearm"),
    "extensor_digitorum": ("Extensor digitorum", "forearm"),
    "extensor_digiti_minimi": ("Extensor digiti minimi", "forearm"),
    "extensor_indicis": ("Extensor indicis", "forearm"),
    "extensor_pollicis_longus": ("Extensor pollicis longus", "forearm"),
    "extensor_pollicis_brevis": ("Extensor pollicis brevis", "forearm"),
    "flexor_pollicis_longus": ("Flexor pollicis longus", "forearm"),
    "abductor_pollicis_longus": ("Abductor pollicis longus", "forearm"),
    "opponens_pollicis": ("Opponens pollicis", "hand"),
    "interossei_hand": ("Interossei of the hand", "hand"),
    "lumbricals_hand": ("Lumbricals of the hand", "hand"),
    "adductor_brevis": ("Adductor brevis", "thigh"),
    "adductor_longus": ("Adductor longus", "thigh"),
    "adductor_magnus": ("Adductor magnus", "thigh"),
    "biceps_femoris_long_head": ("Biceps femoris, long head", "thigh"),
    "biceps_femoris_short_head": ("Biceps femoris, short head", "thigh"),
    "extensor_digitorum_longus": ("Extensor digitorum longus", "leg"),
    "extensor_hallucis_longus": ("Extensor hallucis longus", "leg"),
    "flexor_digitorum_longus": ("Flexor digitorum longus", "leg"),
    "flexor_hallucis_longus": ("Flexor hallucis longus", "leg"),
    "gastrocnemius": ("Gastrocnemius", "leg"),
    "gluteus_maximus": ("Gluteus maximus", "hip"),
    "gluteus_medius": ("Gluteus medius", "hip"),
    "gluteus_minimus": ("Gluteus minimus", "hip"),
    "gracilis": ("Gracilis", "thigh"),
    "fibularis_brevis": ("Fibularis brevis", "leg"),
    "fibularis_longus": ("Fibularis longus", "leg"),
    "piriformis": ("Piriformis", "hip"),
    "rectus_femoris": ("Rectus femoris", "thigh"),
    "sartorius": ("Sartorius", "thigh"),
    "semimembranosus": ("Semimembranosus", "thigh"),
    "semitendinosus": ("Semitendinosus", "thigh"),
    "soleus": ("Soleus", "leg"),
    "tensor_fasciae_latae": ("Tensor fasciae latae", "hip"),
    "tibialis_anterior": ("Tibialis anterior", "leg"),
    "tibialis_posterior": ("Tibialis posterior", "leg"),
    "vastus_intermedius": ("Vastus intermedius", "thigh"),
    "vastus_lateralis": ("Vastus lateralis", "thigh"),
    "vastus_medialis": ("Vastus medialis", "thigh"),
}

# Exact abbreviations (side suffix removed) -> muscle id.
_EXACT = {
    "SUPSP": "supraspinatus", "INFSP": "infraspinatus", "SUBSC": "subscapularis",
    "TMIN": "teres_minor", "TMAJ": "teres_major", "CORB": "coracobrachialis",
    "ANC": "anconeus", "SUP": "supinator", "BRA": "brachialis", "BRD": "brachioradialis",
    "ECRL": "extensor_carpi_radialis_longus", "ECRB": "extensor_carpi_radialis_brevis",
    "ECU": "extensor_carpi_ulnaris", "FCR": "flexor_carpi_radialis", "FCU": "flexor_carpi_ulnaris",
    "PL": "palmaris_longus", "PT": "pronator_teres", "PQ": "pronator_quadratus",
    "EDM": "extensor_digiti_minimi", "EIP": "extensor_indicis", "EPL": "extensor_pollicis_longus",
    "EPB": "extensor_pollicis_brevis", "FPL": "flexor_pollicis_longus",
    "APL": "abductor_pollicis_longus", "OP": "opponens_pollicis",
    "addbrev": "adductor_brevis", "addlong": "adductor_longus", "bflh": "biceps_femoris_long_head",
    "bfsh": "biceps_femoris_short_head", "edl": "extensor_digitorum_longus",
    "ehl": "extensor_hallucis_longus", "fdl": "flexor_digitorum_longus",
    "fhl": "flexor_hallucis_longus", "grac": "gracilis", "iliacus": "iliacus",
    "perbrev": "fibularis_brevis", "perlong": "fibularis_longus", "piri": "piriformis",
    "psoas": "psoas_major", "recfem": "rectus_femoris", "sart": "sartorius",
    "semimem": "semimembranosus", "semiten": "semitendinosus", "soleus": "soleus",
    "tfl": "tensor_fasciae_latae", "tibant": "tibialis_anterior", "tibpost": "tibialis_posterior",
    "vasint": "vastus_intermedius", "vaslat": "vastus_lateralis", "vasmed": "vastus_medialis",
    "rect_abd": "rectus_abdominis",
}

# Prefix patterns for fascicle families -> muscle id.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), mid)
    for p, mid in (
        (r"^Ps_", "psoas_major"),
        (r"^IL_", "iliocostalis_lumborum"),
        (r"^LTp[TL]_", "longissimus_thoracis"),
        (r"^QL_", "quadratus_lumborum"),
        (r"^MF_m\d", "multifidus"),
        (r"^EO\d", "external_oblique"),
        (r"^IO\d", "internal_oblique"),
        (r"^DELT\d", "deltoid"),
        (r"^PECM\d", "pectoralis_major"),
        (r"^LAT\d", "latissimus_dorsi"),
        (r"^TRI", "triceps_brachii"),
        (r"^BIC", "biceps_brachii"),
        (r"^FDS\d", "flexor_digitorum_superficialis"),
        (r"^FDP\d", "flexor_digitorum_profundus"),
        (r"^EDC\d", "extensor_digitorum"),
        (r"^(RI|UI_UB)\d", "interossei_hand"),
        (r"^LU_RB\d", "lumbricals_hand"),
        (r"^addmag", "adductor_magnus"),
        (r"^gas(lat|med)", "gastrocnemius"),
        (r"^glmax\d", "gluteus_maximus"),
        (r"^glmed\d", "gluteus_medius"),
        (r"^glmin\d", "gluteus_minimus"),
    )
)

#: Broad muscles drawn as continuous sheets between their fascicles (``bake/fascicle_sheets``):
#: muscle id -> (which end is the origin, heads). A head is a tuple of fascicle abbreviations
#: (side suffix removed) drawn as a sheet of its own; ``None`` draws every fascicle as one sheet.
#: (Gluteus minimus is authored in ``authored_anatomy.json`` instead: a fan laid on the ilium.)
SHEETS: dict[str, tuple[str, tuple[tuple[str, ...], ...] | None]] = {
    "gluteus_maximus": ("medial", None),
    "gluteus_medius": ("medial", None),
    "latissimus_dorsi": ("medial", None),
    "pectoralis_major": ("medial", None),
    "external_oblique": ("lateral", None),
    "internal_oblique": ("lateral", None),
}


#: Muscle columns drawn as one solid around all their fascicles (``bake/fascicle_columns``):
#: stacked, overlapping bundles that a sheet would fold through. The lumbar multifidus is one
#: column per level and side (its fascicles grouped by the spinous process they leave, ``level_for``),
#: so each level's structure keeps its own id.
COLUMNS = frozenset({"iliocostalis_lumborum", "longissimus_thoracis", "quadratus_lumborum", "psoas_major",
                     "multifidus"})
#: Columns whose fascicles fan out from one end (``fascicle_columns.column``'s ``fan``): one level
#: of the lumbar multifidus runs from one spinous process to several levels below.
FAN_COLUMNS = frozenset({"multifidus"})


#: Share of a sheet's thickness put deep to its fascicles, where it is not
#: ``fascicle_sheets.BIAS``: myo-sim's oblique lines of action cross each other, so the external
#: oblique is built outwards from them and the internal oblique inwards, one over the other.
SHEET_DEPTH: dict[str, float] = {"external_oblique": 0.0, "internal_oblique": 1.0}

#: How much a sheet's corners are rounded off (``fascicle_sheets.round_corners``), where not
#: ``fascicle_sheets.CORNER_CUT``: the obliques are left square, as their rows curve round the
#: flank through wide gaps between fascicles and the rounding folds them there.
SHEET_CORNERS: dict[str, float] = {"external_oblique": 0.0, "internal_oblique": 0.0}


def sheet_heads(muscle: str, actuators: list[str]) -> list[list[str]]:
    """The actuators of a sheet muscle (one side) grouped by head, in a fixed order."""
    heads = SHEETS[muscle][1]
    if heads is None:
        return [sorted(actuators)]
    return [sorted(a for a in actuators if strip_side(a) in head) for head in heads]


_MF_LEVEL = re.compile(r"^MF_m(\d)")


def strip_side(actuator: str) -> str:
    """Remove a trailing ``_r``/``_l`` (right-arm muscles in myofullbody carry none)."""
    return re.sub(r"_[rl]$", "", actuator)


def muscle_for(actuator: str) -> str | None:
    """The catalog muscle id of a myo-sim actuator, or None if it is not mapped."""
    base = strip_side(actuator)
    if base in _EXACT:
        return _EXACT[base]
    for pattern, mid in _PATTERNS:
        if pattern.match(base):
            return mid
    return None


def level_for(actuator: str) -> str | None:
    """The vertebral level of a per-level fascicle (lumbar multifidus ``MF_m4`` -> ``L4``)."""
    m = _MF_LEVEL.match(strip_side(actuator))
    return f"L{m.group(1)}" if m else None


#: myo-sim mesh name -> (structure base id, display name, region, layer). Side comes from
#: the geometry. Meshes sharing a base id on one side are merged into one structure.
BONES: dict[str, tuple[str, str, str]] = {
    "hat_skull": ("skull", "Skull", "head"),
    "hat_jaw": ("mandible", "Mandible", "head"),
    "torso_geom_13_ribcage_s": ("ribcage", "Ribs and sternum", "thorax"),
    "clavicle": ("clavicle", "Clavicle", "shoulder"),
    "scapula": ("scapula", "Scapula", "shoulder"),
    "humerus": ("humerus", "Humerus", "arm"),
    "ulna": ("ulna", "Ulna", "forearm"),
    "radius": ("radius", "Radius", "forearm"),
    "pelvis": ("hip_bone", "Hip bone", "pelvis"),
    "femur": ("femur", "Femur", "thigh"),
    "patella": ("patella", "Patella", "knee"),
    "tibia": ("tibia", "Tibia", "leg"),
    "fibula": ("fibula", "Fibula", "leg"),
    "talus": ("foot_bones", "Bones of the foot", "foot"),
    "foot": ("foot_bones", "Bones of the foot", "foot"),
    "bofoot": ("foot_bones", "Bones of the foot", "foot"),
}

HAND_BONES = {
    "lunate", "scaphoid", "pisiform", "triquetrum", "capitate", "trapezium", "trapezoid",
    "hamate", "1mc", "thumbprox", "thumbdist", "2mc", "2proxph", "2midph", "2distph", "3mc",
    "3proxph", "3midph", "3distph", "4mc", "4proxph", "4midph", "4distph", "5mc", "5proxph",
    "5midph", "5distph",
}


def bone_key(mesh_name: str) -> str:
    """Strip side markers from a myo-sim bone mesh name (``r_femur`` -> ``femur``)."""
    return re.sub(r"^[rl]_|_[rl]$", "", mesh_name)
