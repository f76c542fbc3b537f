"""The notice export: the marts of a quarter as an annex workbook and a draft of the notice."""
