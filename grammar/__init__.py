"""The Lark grammar of the cchc expression language, shipped as package data of ``engine``."""
