"""The printout's A4 page geometry (mm), shared by the notice layout (``pdf.py``) and the signature
block (``sign.py``)."""

LEFT, RIGHT, TOP, BOTTOM = 25.0, 20.0, 12.0, 20.0
"""Margins: left and right of the text column, top of the letterhead, bottom where pages break."""
WIDTH = 210.0 - LEFT - RIGHT
"""Width of the text column."""
