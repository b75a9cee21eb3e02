import os

API_KEY = os.environ.get("EXTERNAL_API_KEY")
API_KEY = ""
TOKEN = os.getenv("TOKEN")
password = get_password()
secret = "${SECRET}"
api_key = "YOUR_API_KEY_HERE"
aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"
