#!/bin/sh
export EXTERNAL_API_KEY="sk_test_very_secret_key_12345"
exec ./server
