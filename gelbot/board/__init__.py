"""The board (tablero): every committee a delegado follows, side by side, worst first.

Domain only, no Telegram: `compile` gathers the figures for many committees in a fixed number
of queries, `attention` turns them into a state and reasons in words, and the renderers
(`chart`, `spreadsheet`, `page`) draw the same rows as a picture, an XLSX or a web page.
"""
