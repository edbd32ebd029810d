"""Personal data: retention (gallring) per data class and organisation."""
