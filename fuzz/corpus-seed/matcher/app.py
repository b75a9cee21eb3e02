from flask import Flask
import os

app = Flask(__name__)

API_KEY = "sk_test_very_secret_key_12345"
FALLBACK_KEY = os.environ.get("EXTERNAL_API_KEY")
EMPTY_KEY = ""
