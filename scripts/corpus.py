#!/usr/bin/env python3
"""Generates leakhound's labeled accuracy corpus, deterministically.

    scripts/corpus.py OUT_DIR [--seed N]

Writes source files of many types under OUT_DIR/files/ and OUT_DIR/labels.jsonl, one line per
labeled line: {"path", "line", "provider", "label": "secret" | "negative", "kind"}. Every
secret is random but well-formed for its provider's documented format; none is real.
Lines not in labels.jsonl are filler code and count as negatives too.
"""
import base64
import json
import os
import random
import string
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_files  # noqa: E402

LOW = string.ascii_lowercase
UP = string.ascii_uppercase
DIG = string.digits
AN = LOW + UP + DIG
HEX = "0123456789abcdef"
B64 = AN + "+/"
URL = AN + "-_"
B32 = UP + "234567"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def s(self, alpha, n):
        while True:
            v = "".join(self.r.choice(alpha) for _ in range(n))
            if any(v[i] == v[i + 1] == v[i + 2] == v[i + 3] for i in range(len(v) - 3)):
                continue
            # Random strings of 12+ characters drawn from several classes use at least two.
            present = sum(any(c in cl for c in v) for cl in (LOW, UP, DIG))
            offered = sum(any(c in cl for c in alpha) for cl in (LOW, UP, DIG))
            if n >= 12 and offered >= 2 and present < 2:
                continue
            return v

    def uuid(self):
        h = lambda n: self.s(HEX, n)
        return f"{h(8)}-{h(4)}-4{h(3)}-a{h(3)}-{h(12)}"

    def crc_token(self, prefix, n=30):
        body = self.s(AN, n)
        c = zlib.crc32(body.encode()) & 0xFFFFFFFF
        tail = ""
        for _ in range(6):
            tail = B62[c % 62] + tail
            c //= 62
        return prefix + body + tail


# provider -> (variable names, token factory)
def providers(g):
    s = g.s
    return {
        "aws-access-key": (["AWS_ACCESS_KEY_ID", "aws_access_key_id"], lambda: "AKIA" + s(B32, 16)),
        "aws-secret-key": (["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"], lambda: s(B64, 40)),
        "gcp-api-key": (["GOOGLE_API_KEY", "firebase_api_key"], lambda: "AIza" + s(URL, 35)),
        "gcp-oauth-secret": (["GOOGLE_CLIENT_SECRET", "client_secret"], lambda: "GOCSPX-" + s(URL, 28)),
        "azure-storage": (["AZURE_STORAGE_CONNECTION_STRING", "storage_conn"], lambda: f"DefaultEndpointsProtocol=https;AccountName=acme{s(LOW, 5)};AccountKey={s(B64, 86)}==;EndpointSuffix=core.windows.net"),
        "azure-ad-secret": (["AZURE_CLIENT_SECRET", "client_secret"], lambda: s(AN, 3) + str(g.r.randint(0, 9)) + "Q~" + s(AN + "_~.-", 34)),
        "vault": (["VAULT_TOKEN", "vault_token"], lambda: "hvs." + s(URL, 95)),
        "terraform-cloud": (["TFE_TOKEN", "tf_api_token"], lambda: s(AN, 14) + ".atlasv1." + s(URL, 67)),
        "github-pat": (["GITHUB_TOKEN", "gh_token"], lambda: g.crc_token("ghp_")),
        "github-oauth": (["GITHUB_OAUTH_TOKEN", "oauth_token"], lambda: g.crc_token("gho_")),
        "github-app": (["GH_APP_TOKEN", "installation_token"], lambda: g.crc_token("ghs_")),
        "github-fine-grained": (["GITHUB_PAT", "github_token"], lambda: "github_pat_" + s(AN, 22) + "_" + s(AN, 59)),
        "gitlab-pat": (["GITLAB_TOKEN", "gitlab_private_token"], lambda: "glpat-" + s(URL, 20)),
        "gitlab-runner": (["RUNNER_TOKEN", "runner_token"], lambda: "glrt-" + s(URL, 20)),
        "slack-bot": (["SLACK_BOT_TOKEN", "slack_token"], lambda: f"xoxb-{s(DIG, 12)}-{s(DIG, 13)}-{s(AN, 24)}"),
        "slack-user": (["SLACK_USER_TOKEN", "slack_token"], lambda: f"xoxp-{s(DIG, 12)}-{s(DIG, 12)}-{s(DIG, 13)}-{s(HEX, 32)}"),
        "slack-webhook": (["SLACK_WEBHOOK_URL", "webhook_url"], lambda: f"https://hooks.slack.com/services/T{s(UP + DIG, 8)}/B{s(UP + DIG, 10)}/{s(AN, 24)}"),
        "stripe": (["STRIPE_SECRET_KEY", "stripe_api_key"], lambda: "sk_live_" + s(AN, 24)),
        "stripe-restricted": (["STRIPE_RESTRICTED_KEY", "stripe_key"], lambda: "rk_live_" + s(AN, 24)),
        "stripe-webhook": (["STRIPE_WEBHOOK_SECRET", "webhook_secret"], lambda: "whsec_" + s(AN, 32)),
        "twilio": (["TWILIO_API_KEY", "twilio_key"], lambda: "SK" + s(HEX, 32)),
        "sendgrid": (["SENDGRID_API_KEY", "sendgrid_key"], lambda: f"SG.{s(URL, 22)}.{s(URL, 43)}"),
        "mailgun": (["MAILGUN_API_KEY", "mailgun_key"], lambda: "key-" + s(HEX, 32)),
        "mailchimp": (["MAILCHIMP_API_KEY", "mc_api_key"], lambda: s(HEX, 32) + "-us" + str(g.r.randint(1, 20))),
        "openai": (["OPENAI_API_KEY", "openai_key"], lambda: "sk-proj-" + s(URL, 74) + "T3BlbkFJ" + s(URL, 74)),
        "anthropic": (["ANTHROPIC_API_KEY", "anthropic_key"], lambda: "sk-ant-api03-" + s(URL, 93) + "AA"),
        "huggingface": (["HF_TOKEN", "huggingface_token"], lambda: "hf_" + s(LOW + UP, 34)),
        "npm": (["NPM_TOKEN", "npm_token"], lambda: g.crc_token("npm_")),
        "pypi": (["PYPI_TOKEN", "pypi_password"], lambda: "pypi-AgEIcHlwaS5vcmc" + s(URL, 120)),
        "rubygems": (["GEM_HOST_API_KEY", "rubygems_api_key"], lambda: "rubygems_" + s(HEX, 48)),
        "nuget": (["NUGET_API_KEY", "nuget_key"], lambda: "oy2" + s(LOW + DIG, 43)),
        "dockerhub": (["DOCKERHUB_TOKEN", "docker_token"], lambda: "dckr_pat_" + s(URL, 27)),
        "heroku": (["HEROKU_API_KEY", "heroku_key"], lambda: "HRKU-AA" + s(URL, 58)),
        "digitalocean": (["DIGITALOCEAN_TOKEN", "do_token"], lambda: "dop_v1_" + s(HEX, 64)),
        "cloudflare": (["CLOUDFLARE_API_TOKEN", "cf_api_token"], lambda: s(URL, 40)),
        "datadog": (["DD_API_KEY", "datadog_api_key"], lambda: s(HEX, 32)),
        "newrelic": (["NEW_RELIC_API_KEY", "newrelic_key"], lambda: "NRAK-" + s(UP + DIG, 27)),
        "sentry": (["SENTRY_AUTH_TOKEN", "sentry_token"], lambda: "sntryu_" + s(HEX, 64)),
        "grafana": (["GRAFANA_TOKEN", "grafana_sa_token"], lambda: f"glsa_{s(AN, 32)}_{s(HEX, 8)}"),
        "pagerduty": (["PAGERDUTY_TOKEN", "pd_api_key"], lambda: "u+" + s(URL, 18)),
        "atlassian": (["JIRA_API_TOKEN", "atlassian_token"], lambda: "ATATT3" + s(URL, 178) + "=" + s(HEX, 7).upper()),
        "okta": (["OKTA_API_TOKEN", "okta_token"], lambda: "00" + s(URL, 40)),
        "auth0": (["AUTH0_CLIENT_SECRET", "auth0_secret"], lambda: s(URL, 64)),
        "shopify": (["SHOPIFY_ACCESS_TOKEN", "shopify_token"], lambda: "shpat_" + s(HEX, 32)),
        "square": (["SQUARE_ACCESS_TOKEN", "square_token"], lambda: "EAAA" + s(URL, 60)),
        "braintree": (["BRAINTREE_ACCESS_TOKEN", "bt_token"], lambda: f"access_token$production${s(LOW + DIG, 16)}${s(HEX, 32)}"),
        "discord": (["DISCORD_BOT_TOKEN", "discord_token"], lambda: "M" + s(AN, 23) + "." + s(URL, 6) + "." + s(URL, 27)),
        "discord-webhook": (["DISCORD_WEBHOOK", "discord_webhook_url"], lambda: f"https://discord.com/api/webhooks/{s(DIG, 18)}/{s(URL, 68)}"),
        "telegram": (["TELEGRAM_BOT_TOKEN", "telegram_token"], lambda: f"{s(DIG, 10)}:AA{s(URL, 33)}"),
        "databricks": (["DATABRICKS_TOKEN", "databricks_token"], lambda: "dapi" + s(HEX, 32)),
        "snowflake": (["SNOWFLAKE_PASSWORD", "snowflake_pwd"], lambda: s(AN, 12) + "#" + s(DIG, 2)),
        "doppler": (["DOPPLER_TOKEN", "doppler_token"], lambda: "dp.pt." + s(AN, 43)),
        "pulumi": (["PULUMI_ACCESS_TOKEN", "pulumi_token"], lambda: "pul-" + s(HEX, 40)),
        "postman": (["POSTMAN_API_KEY", "postman_key"], lambda: f"PMAK-{s(HEX, 24)}-{s(HEX, 34)}"),
        "linear": (["LINEAR_API_KEY", "linear_key"], lambda: "lin_api_" + s(AN, 40)),
        "notion": (["NOTION_TOKEN", "notion_secret"], lambda: "ntn_" + s(DIG, 11) + s(AN, 35)),
        "figma": (["FIGMA_TOKEN", "figma_token"], lambda: "figd_" + s(URL, 40)),
        "supabase": (["SUPABASE_ACCESS_TOKEN", "supabase_token"], lambda: "sbp_" + s(HEX, 40)),
        "age": (["AGE_KEY", "age_secret_key"], lambda: "AGE-SECRET-KEY-1" + s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
        "jwt": (["AUTH_TOKEN", "jwt_token"], lambda: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.urlsafe_b64encode(json.dumps({"sub": s(DIG, 8), "iat": 1700000000 + g.r.randint(0, 10**7)}).encode()).decode().rstrip("=") + "." + s(URL, 43)),
        "postgres-url": (["DATABASE_URL", "db_url"], lambda: f"postgres://app_{s(LOW, 4)}:{s(AN, 16)}@db-{s(LOW, 5)}.internal:5432/prod"),
        "mysql-url": (["MYSQL_URL", "mysql_dsn"], lambda: f"mysql://svc:{s(AN, 14)}@mysql.acme.io:3306/app"),
        "mongodb-url": (["MONGODB_URI", "mongo_uri"], lambda: f"mongodb+srv://admin:{s(AN, 18)}@cluster0.{s(LOW, 5)}.mongodb.net/app"),
        "redis-url": (["REDIS_URL", "cache_url"], lambda: f"redis://default:{s(AN, 20)}@redis-{s(DIG, 5)}.cache.io:6379"),
        "amqp-url": (["AMQP_URL", "broker_url"], lambda: f"amqps://worker:{s(AN, 16)}@mq.acme.io/vhost"),
        "password": (["DB_PASSWORD", "admin_password"], lambda: s(AN, 10) + g.r.choice("!#%&*@") + s(DIG, 2)),
        "generic-api-key": (["API_KEY", "service_api_key"], lambda: s(AN, 32)),
        "generic-secret": (["SECRET_KEY", "app_secret"], lambda: s(AN + "-_", 48)),
        "generic-token": (["ACCESS_TOKEN", "auth_token"], lambda: s(URL, 40)),
        "algolia": (["ALGOLIA_ADMIN_KEY", "algolia_api_key"], lambda: s(HEX, 32)),
        "mapbox": (["MAPBOX_SECRET_TOKEN", "mapbox_token"], lambda: "sk.eyJ1Ijoi" + s(URL, 50) + "." + s(URL, 22)),
        "segment": (["SEGMENT_WRITE_KEY", "segment_key"], lambda: s(AN, 32)),
        "mixpanel": (["MIXPANEL_API_SECRET", "mixpanel_secret"], lambda: s(HEX, 32)),
        "planetscale": (["PLANETSCALE_TOKEN", "pscale_token"], lambda: "pscale_tkn_" + s(URL, 43)),
        "tailscale": (["TS_AUTHKEY", "tailscale_key"], lambda: f"tskey-auth-k{s(AN, 11)}-{s(AN, 33)}"),
        "netlify": (["NETLIFY_AUTH_TOKEN", "netlify_token"], lambda: "nfp_" + s(AN, 36)),
        "fly": (["FLY_API_TOKEN", "fly_token"], lambda: "fo1_" + s(URL, 43)),
        "render": (["RENDER_API_KEY", "render_key"], lambda: "rnd_" + s(AN, 32)),
        "groq": (["GROQ_API_KEY", "groq_key"], lambda: "gsk_" + s(AN, 52)),
        "replicate": (["REPLICATE_API_TOKEN", "replicate_token"], lambda: "r8_" + s(AN, 37)),
        "perplexity": (["PPLX_API_KEY", "perplexity_key"], lambda: "pplx-" + s(AN, 48)),
        "sonar": (["SONAR_TOKEN", "sonar_token"], lambda: "sqp_" + s(HEX, 40)),
        "circleci": (["CIRCLECI_TOKEN", "circle_token"], lambda: f"CCIPAT_{s(AN, 22)}_{s(HEX, 40)}"),
        "buildkite": (["BUILDKITE_API_TOKEN", "buildkite_token"], lambda: "bkua_" + s(HEX, 40)),
        "jfrog": (["ARTIFACTORY_API_KEY", "jfrog_key"], lambda: "AKCp" + s(AN, 69)),
        "dynatrace": (["DT_API_TOKEN", "dynatrace_token"], lambda: f"dt0c01.{s(UP + DIG, 24)}.{s(UP + DIG, 64)}"),
        "launchdarkly": (["LD_SDK_KEY", "launchdarkly_key"], lambda: "sdk-" + g.uuid()),
        "hubspot": (["HUBSPOT_TOKEN", "hubspot_access_token"], lambda: "pat-na1-" + g.uuid()),
        "brevo": (["BREVO_API_KEY", "sendinblue_key"], lambda: f"xkeysib-{s(HEX, 64)}-{s(AN, 16)}"),
        "resend": (["RESEND_API_KEY", "resend_key"], lambda: f"re_{s(AN, 8)}_{s(AN, 24)}"),
        "easypost": (["EASYPOST_API_KEY", "easypost_key"], lambda: "EZAK" + s(AN, 54)),
        "alibaba": (["ALIBABA_ACCESS_KEY_ID", "aliyun_key_id"], lambda: "LTAI" + s(AN, 20)),
    }


NAMES_CASE = {
    "py": lambda n, v: f'{n} = "{v}"',
    "js": lambda n, v: f'const {camel(n)} = "{v}";',
    "ts": lambda n, v: f"export const {camel(n)}: string = '{v}';",
    "go": lambda n, v: f'\t{camel(n)} := "{v}"',
    "java": lambda n, v: f'    private static final String {n.upper()} = "{v}";',
    "cs": lambda n, v: f'        var {camel(n)} = "{v}";',
    "rb": lambda n, v: f"{n.upper()} = '{v}'",
    "php": lambda n, v: f"${n.lower()} = '{v}';",
    "sh": lambda n, v: f'export {n.upper()}="{v}"',
    "yaml": lambda n, v: f"  {n.lower()}: {v}",
    "json": lambda n, v: f'  "{camel(n)}": "{v}",',
    "toml": lambda n, v: f'{n.lower()} = "{v}"',
    "env": lambda n, v: f"{n.upper()}={v}",
    "properties": lambda n, v: f"app.{n.lower().replace('_', '.')}={v}",
    "xml": lambda n, v: f'  <add key="{n}" value="{v}" />',
    "Dockerfile": lambda n, v: f"ENV {n.upper()}={v}",
    "tf": lambda n, v: f'  {n.lower()} = "{v}"',
    "ipynb": lambda n, v: f'    "{n.upper()} = \\"{v}\\"\\n",',
    "md": lambda n, v: f"    {n.upper()}={v}",
}

FILLER = {
    "py": ["import os", "def handler(event, context):", "    return {\"status\": 200}", "logger = logging.getLogger(__name__)", "for item in items:", "    total += item.price"],
    "js": ["import express from 'express';", "function add(a, b) { return a + b; }", "module.exports = { add };", "const app = express();", "app.listen(3000);"],
    "ts": ["interface User { id: number; name: string }", "export function greet(u: User): string {", "  return `hello ${u.name}`;", "}"],
    "go": ["package main", "import \"fmt\"", "func main() {", "\tfmt.Println(\"ready\")", "}"],
    "java": ["package com.acme;", "public class Config {", "    public static void main(String[] args) {", "    }", "}"],
    "cs": ["using System;", "namespace Acme {", "    class Program {", "    }", "}"],
    "rb": ["require 'json'", "class Client", "  def initialize(opts = {})", "  end", "end"],
    "php": ["<?php", "function connect() {", "    return true;", "}"],
    "sh": ["#!/bin/sh", "set -eu", "echo \"deploying\"", "cd /srv/app"],
    "yaml": ["service:", "  name: billing", "  replicas: 3", "  port: 8080"],
    "json": ["{", "  \"name\": \"billing\",", "  \"version\": \"1.4.2\",", "  \"private\": true"],
    "toml": ["[server]", "host = \"0.0.0.0\"", "port = 8080", "workers = 4"],
    "env": ["APP_ENV=production", "LOG_LEVEL=info", "PORT=8080", "FEATURE_FLAGS=a,b,c"],
    "properties": ["server.port=8080", "spring.application.name=billing", "logging.level.root=INFO"],
    "xml": ["<?xml version=\"1.0\"?>", "<configuration>", "  <appSettings>", "  </appSettings>"],
    "Dockerfile": ["FROM python:3.12-slim", "WORKDIR /app", "COPY . .", "RUN pip install -r requirements.txt"],
    "tf": ["resource \"aws_s3_bucket\" \"logs\" {", "  bucket = \"acme-logs\"", "  acl    = \"private\"", "}"],
    "ipynb": ["   \"source\": [", "    \"import pandas as pd\\n\",", "    \"df = pd.read_csv('data.csv')\\n\"", "   ]"],
    "md": ["# Setup", "Install the package and run it:", "", "    make install"],
}


def camel(n):
    parts = n.lower().split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def negatives(g):
    """(kind, file type, line) hard negatives."""
    s = g.s
    out = []
    add = lambda kind, ft, line: out.append((kind, ft, line))
    names = ["API_KEY", "SECRET_KEY", "ACCESS_TOKEN", "DB_PASSWORD", "CLIENT_SECRET", "AUTH_TOKEN", "GITHUB_TOKEN", "STRIPE_SECRET_KEY"]
    for i in range(30):
        n = names[i % len(names)]
        add("placeholder", "py", f'{n} = "YOUR_{n}_HERE"')
        add("placeholder", "yaml", f"  {n.lower()}: <{n.lower().replace('_', '-')}>")
        add("placeholder", "env", f"{n}=xxxxxxxxxxxxxxxxxxxxxxxx")
        add("placeholder", "env", f"{n}=************")
        add("placeholder", "sh", f'export {n}="${{{n}}}"')
        add("placeholder", "sh", f"export {n}=$VAULT_{n}")
        add("template", "yaml", f"  {n.lower()}: {{{{ .Values.{camel(n)} }}}}")
        add("template", "yaml", f"  {n.lower()}: ${{{{ secrets.{n} }}}}")
        add("template", "xml", f'  <add key="{n}" value="%{n}%" />')
        add("env-lookup", "js", f"const {camel(n)} = process.env.{n};")
        add("env-lookup", "py", f'{n} = os.environ["{n}"]')
        add("env-lookup", "py", f'{n} = os.getenv("{n}", "")')
        add("env-lookup", "java", f'    String {camel(n)} = System.getenv("{n}");')
        add("env-lookup", "rb", f"{n} = ENV['{n}']")
        add("function-call", "go", f"\t{camel(n)} := loadSecret(ctx, \"{n.lower()}\")")
        add("file-path", "toml", f'{n.lower()}_file = "/etc/acme/{n.lower()}.pem"')
    for i in range(12):
        add("documented-example", "py", "aws_access_key_id = 'AKIAIOSFODNN7EXAMPLE'")
        add("documented-example", "env", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        add("documented-example", "md", f"    API_KEY=example-{s(AN, 24)}")
        add("documented-example", "yaml", f"  token: dummy_{s(LOW, 6)}_token_value")
        add("documented-example", "json", f'  "apiKey": "sample-key-{s(LOW + DIG, 10)}",')
    for i in range(15):
        add("hash", "yaml", f"  commit: {s(HEX, 40)}")
        add("hash", "json", f'      "integrity": "sha512-{s(B64, 86)}==",')
        add("hash", "py", f'checksum = "{s(HEX, 64)}"')
        add("hash", "toml", f'sha256 = "{s(HEX, 64)}"')
        add("uuid", "json", f'  "requestId": "{g.uuid()}",')
        add("uuid", "cs", f'        var correlationId = Guid.Parse("{g.uuid()}");')
        add("digest", "yaml", f"  image: registry.acme.io/billing@sha256:{s(HEX, 64)}")
    for i in range(10):
        add("public-key", "txt", f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{s(B64, 43)} deploy@ci")
        add("public-key", "txt", f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{s(B64, 120)} user@host")
        add("public-key", "pem", "-----BEGIN PUBLIC KEY-----")
        add("certificate", "pem", "-----BEGIN CERTIFICATE-----")
        add("publishable-key", "js", f"const stripePublishableKey = 'pk_live_{s(AN, 24)}';")
    for i in range(12):
        add("encrypted", "yaml", f"  password: ENC[AES256_GCM,data:{s(B64, 24)}=,iv:{s(B64, 43)}=,tag:{s(B64, 22)}==,type:str]")
        add("encrypted", "yaml", f"  api_key: vault:v1:{s(B64, 60)}")
        add("encrypted", "yaml", "  db_password: !vault |")
        add("encrypted", "txt", "$ANSIBLE_VAULT;1.1;AES256")
    for i in range(8):
        add("base64-image", "css", f".logo {{ background: url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA{s(B64, 180)}); }}")
        add("base64-font", "css", f"@font-face {{ src: url(data:font/woff2;base64,d09GMgABAAAAA{s(B64, 200)}) }}")
    for i in range(6):
        ids = "".join(f"var {s(LOW, 2)}={s(LOW, 1)}.{s(LOW + UP, 12)}({s(LOW, 1)},\"{s(AN, 20)}\");" for _ in range(6))
        add("minified", "js", "!function(e,t){" + ids + "}(window,document);")
    idents = [
        ('token_type = "bearer"', "py"), ('key = "user_profile_settings"', "py"), ('password_field = "password"', "py"),
        ('secret_name = "db-credentials"', "py"), ('const tokenKey = "authTokenStorageKey";', "js"),
        ('api_key_header = "X-Api-Key"', "py"), ("  secretRef: app-secrets", "yaml"), ('KEY_PREFIX = "cache:v2:"', "py"),
        ('PASSWORD_MIN_LENGTH = 12', "py"), ('"tokenEndpoint": "https://login.acme.io/oauth2/token",', "json"),
        ("  password: ${DB_PASSWORD}", "yaml"), ('secret = self.config.get_secret("db")', "py"),
        ('token = getTokenFromConfiguration()', "py"), ("  api_key: !Ref ApiKeyParameter", "yaml"),
    ]
    for i in range(4):
        for line, ft in idents:
            add("identifier", ft, line)
    defaults = ["password", "changeme", "admin", "P@ssw0rd", "hunter2", "secret", "123456", "password123", "letmein", "root"]
    for i in range(3):
        for d in defaults:
            add("default-password", "yaml", f"  password: {d}")
            add("default-password", "py", f'DB_PASSWORD = "{d}"')
    for i in range(10):
        add("non-secret-value", "css", f"  color: #{s(HEX, 6)};")
        add("non-secret-value", "json", f'  "version": "{g.r.randint(1, 9)}.{g.r.randint(0, 30)}.{g.r.randint(0, 99)}",')
        add("non-secret-value", "yaml", f"  timeout_seconds: {g.r.randint(10, 999)}")
        add("non-secret-value", "py", f'url = "https://api.acme.io/v2/items/{g.r.randint(1000, 99999)}"')
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    out = sys.argv[1]
    seed = 20261129
    if "--seed" in sys.argv:
        seed = int(sys.argv[sys.argv.index("--seed") + 1])
    g = Gen(seed)
    files_dir = os.path.join(out, "files")
    os.makedirs(files_dir, exist_ok=True)
    labels = []
    provs = providers(g)
    types = list(NAMES_CASE)
    file_no = 0

    def emit(ft, body, meta):
        nonlocal file_no
        file_no += 1
        ext = {"Dockerfile": None, "txt": "txt", "pem": "pem", "css": "css"}.get(ft, ft)
        name = f"Dockerfile.{file_no}" if ft == "Dockerfile" else f"f{file_no:04d}.{ext}"
        if ft == "env":
            name = f"svc{file_no:04d}.env"
        lines = []
        filler = FILLER.get(ft, ["# config", "", "# end"])
        for line, m in zip(body, meta):
            for _ in range(g.r.randint(1, 3)):
                lines.append(g.r.choice(filler))
            lines.append(line)
            labels.append(dict(path=f"files/{name}", line=len(lines), **m))
        lines.append(filler[-1])
        with open(os.path.join(files_dir, name), "w") as f:
            f.write("\n".join(lines) + "\n")

    # Positives: 5 per provider, each in a different file type, provider-specific or
    # generic variable names.
    for prov, (names, make) in provs.items():
        for i in range(5):
            ft = types[(len(prov) * 7 + i * 5) % len(types)]
            name = names[i % len(names)]
            value = make()
            line = NAMES_CASE[ft](name, value)
            emit(ft, [line], [dict(provider=prov, label="secret", kind=ft)])
    # Kubernetes Secret manifests: base64 data values.
    for i in range(8):
        prov = ["stripe", "github-pat", "generic-api-key", "password"][i % 4]
        value = provs[prov][1]()
        enc = base64.b64encode(value.encode()).decode()
        manifest = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: app-{i}", "type: Opaque", "data:"]
        path = f"files/k8s-secret-{i}.yaml"
        manifest.append(f"  API_TOKEN: {enc}")
        with open(os.path.join(out, path), "w") as f:
            f.write("\n".join(manifest) + "\n")
        labels.append(dict(path=path, line=len(manifest), provider=f"k8s-{prov}", label="secret", kind="k8s"))
    # Private keys, .netrc, .git-credentials, .npmrc, docker config.
    for i in range(6):
        # A fake key with a key's structure (PKCS#1: SEQUENCE, version 0, INTEGERs of
        # random bytes): leakhound does not report PEM blocks whose body is not a key.
        ints = b"".join(b"\x02\x81\x81\x00" + bytes(g.r.randrange(256) for _ in range(128)) for _ in range(2))
        content = b"\x02\x01\x00" + ints
        der = b"\x30\x82" + len(content).to_bytes(2, "big") + content
        text = base64.b64encode(der).decode()
        body = "\n".join(text[j:j + 64] for j in range(0, len(text), 64))
        path = f"files/id_rsa_{i}"
        with open(os.path.join(out, path), "w") as f:
            f.write(f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n")
        labels.append(dict(path=path, line=1, provider="private-key", label="secret", kind="pem"))
        path = f"files/netrc_{i}/.netrc"
        os.makedirs(os.path.join(out, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(out, path), "w") as f:
            f.write(f"machine api.acme{i}.io login deploy password {g.s(AN, 18)}\n")
        labels.append(dict(path=path, line=1, provider="netrc", label="secret", kind="netrc"))
        path = f"files/npmrc_{i}/.npmrc"
        os.makedirs(os.path.join(out, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(out, path), "w") as f:
            f.write(f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={g.uuid()}\n")
        labels.append(dict(path=path, line=2, provider="npmrc", label="secret", kind="npmrc"))
        path = f"files/docker_{i}/config.json"
        os.makedirs(os.path.join(out, os.path.dirname(path)), exist_ok=True)
        auth = base64.b64encode(f"ci:{g.s(AN, 20)}".encode()).decode()
        with open(os.path.join(out, path), "w") as f:
            f.write('{\n  "auths": {\n    "registry.acme.io": {\n      "auth": "' + auth + '"\n    }\n  }\n}\n')
        labels.append(dict(path=path, line=4, provider="docker-config", label="secret", kind="json"))
        path = f"files/htpasswd_{i}"
        salt = g.s(AN + "./", 22)
        with open(os.path.join(out, path), "w") as f:
            f.write(f"admin:$2y$10${salt}{g.s(AN + './', 31)}\n")
        labels.append(dict(path=path, line=1, provider="bcrypt-hash", label="secret", kind="htpasswd"))
    # Whole files: credential files, framework settings, manifests and documents.
    for path, text, file_labels in corpus_files.cases(g):
        full = os.path.join(files_dir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", newline="") as f:
            f.write(text)
        for line, label, prov in file_labels:
            labels.append(dict(path=f"files/{path}", line=line, provider=prov, label=label, kind="file"))
    # Negatives, grouped into files of their type.
    negs = negatives(g)
    by_type = {}
    for kind, ft, line in negs:
        by_type.setdefault(ft, []).append((kind, line))
    for ft, items in by_type.items():
        for k in range(0, len(items), 12):
            chunk = items[k:k + 12]
            emit(ft, [l for _, l in chunk], [dict(provider="none", label="negative", kind=kd) for kd, _ in chunk])
    with open(os.path.join(out, "labels.jsonl"), "w") as f:
        for l in labels:
            f.write(json.dumps(l) + "\n")
    pos = sum(1 for l in labels if l["label"] == "secret")
    print(f"{pos} secrets across {len({l['provider'] for l in labels if l['label'] == 'secret'})} providers, "
          f"{len(labels) - pos} hard negatives, {file_no} files", file=sys.stderr)


if __name__ == "__main__":
    main()
