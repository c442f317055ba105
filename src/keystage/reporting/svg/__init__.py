"""SVG drawn by our own code: the Gantt chart and the project charts.

Pure Python, no Django and no browser code: every function takes plain data
(frozen dataclasses, dates, numbers) and returns an SVG document as a string,
the same string for the web page and for the PDF. All text is XML-escaped.
"""
