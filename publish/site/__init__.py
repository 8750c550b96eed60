"""`publish site`: a static site of every built topic and language, from `dist/` alone."""
