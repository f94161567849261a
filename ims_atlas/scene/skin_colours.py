"""The skin layer's colours (pure data): the window, the exports and their legends share them."""

SKIN_RGB = (0.93, 0.80, 0.69)
#: Okabe-Ito reddish purple: apart from the local orange, the paraspinal blue and the root yellow.
DERMATOME_RGB = (0.80, 0.47, 0.65)
SKIN_ALPHA = 0.18
DERMATOME_ALPHA = 0.62
#: Okabe-Ito bluish green: a referred-pain zone (where the pain is felt), told from the orange muscle.
REFERRED_RGB = (0.0, 0.62, 0.45)
REFERRED_ALPHA = 0.7
