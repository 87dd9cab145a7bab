"""Django's PostgreSQL backend with every wait for the server bounded on the client side
(``ENGINE = "newsapi.postgresql"``): see ``base``."""
