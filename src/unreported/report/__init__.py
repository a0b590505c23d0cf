"""Reports: data preparation, figures, sections and the render (Quarto or fallback)."""
