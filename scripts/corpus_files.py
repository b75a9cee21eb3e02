"""Whole files for the accuracy corpus (imported by corpus.py): credential files of everyday
tools, framework settings, manifests and documents, where the file's structure, the key
that holds a value, or the kind of file decides whether a value is a leak.

Each case is (path, text, labels), labels being (line, "secret" | "negative", provider).
Lines of a file that are not labeled secret count as negatives. Every value is made up here.
"""
import base64
import json

LOW = "abcdefghijklmnopqrstuvwxyz"
UP = LOW.upper()
DIG = "0123456789"
AN = LOW + UP + DIG
HEX = "0123456789abcdef"
B36 = LOW + DIG
URL = AN + "-_"


def b64(s):
    return base64.b64encode(s.encode()).decode()


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def line_of(text, needle):
    for i, l in enumerate(text.split("\n"), 1):
        if needle in l:
            return i
    raise ValueError(needle)


def der_key(g):
    """Base64 lines of a fake PKCS#1 RSA key with a key's structure (SEQUENCE, version 0,
    INTEGERs of random bytes)."""
    ints = b"".join(b"\x02\x81\x81\x00" + bytes(g.r.randrange(256) for _ in range(128)) for _ in range(2))
    content = b"\x02\x01\x00" + ints
    der = b"\x30\x82" + len(content).to_bytes(2, "big") + content
    text = base64.b64encode(der).decode()
    return "\n".join(text[j:j + 64] for j in range(0, len(text), 64))


def cases(g):
    s = g.s
    out = []

    def pw():
        # Chosen-looking passwords: a word, digits, a symbol; made up.
        words = ["Harbor", "Maple", "Violet", "Quartz", "Falcon", "Copper", "Juniper", "Orchid"]
        return g.r.choice(words) + str(g.r.randint(1970, 2024)) + g.r.choice("!#$%&*@")

    def case(path, text, secrets=(), negatives=(), provider="file"):
        labels = [(line_of(text, n), "secret", provider) for n in secrets]
        labels += [(line_of(text, n), "negative", "none") for n in negatives]
        out.append((path, text, labels))

    for i in range(3):
        p = pw()
        case(f"creds{i}/.pgpass", f"# host:port:db:user:password\ndb{i}.prod.acme.io:5432:shop:app:{p}\n", [p], provider="pgpass")
        p = pw()
        case(f"creds{i}/.my.cnf", f"[client]\nuser = app\npassword = \"{p}\"\nhost = mysql{i}.acme.io\n", [p], provider="mysql-cnf")
        key_id = "AKIA" + s(UP + "234567", 16)
        secret = s(AN + "+/", 40)
        case(f"creds{i}/.aws/credentials", f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\nregion = eu-west-1\n", [key_id, secret], provider="aws")
        p = pw()
        case(f"creds{i}/.pypirc", f"[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.acme.io/\nusername = deploy\npassword = {p}\n", [p], provider="pypirc")
        p = pw()
        case(f"maven{i}/settings.xml", f"<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n      <username>deploy</username>\n      <password>{p}</password>\n    </server>\n  </servers>\n</settings>\n", [p], provider="maven")
        p = pw()
        case(f"gradle{i}/gradle.properties", f"org.gradle.jvmargs=-Xmx2g\nnexusUsername=deploy\nnexusPassword={p}\n", [p], provider="gradle")
        p = pw()
        case(f"gradle{i}/build.gradle", f"repositories {{\n    maven {{\n        url \"https://nexus.acme.io/repository/releases/\"\n        credentials {{\n            username \"deployer\"\n            password \"{p}\"\n        }}\n    }}\n}}\n", [p], provider="gradle")
        # Laravel's APP_KEY, Django's SECRET_KEY with punctuation the generator never emits,
        # a Rails master.key, WordPress salts with spaces.
        k = b64(s(AN, 32))
        case(f"laravel{i}/.env", f"APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY=base64:{k}\nAPP_DEBUG=false\n", [k], provider="laravel")
        dj = s(LOW + DIG + "!@#$%^&*(-_=+)", 50)
        case(f"django{i}/shop/settings.py", f"import os\n\nDEBUG = False\nSECRET_KEY = '{dj}'\nALLOWED_HOSTS = ['shop.acme.io']\n", [dj], provider="django")
        mk = s(HEX, 32)
        case(f"rails{i}/config/master.key", mk + "\n", [mk], provider="rails")
        salt = s(AN + " !#$%&()*+,-.:;<=>?@[]^_{|}~", 64)
        case(f"wp{i}/wp-config.php", f"<?php\ndefine( 'DB_NAME', 'shop' );\ndefine( 'AUTH_KEY', '{salt}' );\ndefine( 'DB_HOST', 'localhost' );\n", [salt], provider="wordpress")
        # Spring's `${VAR:default}` and Compose's `${VAR:-default}`: the default is used.
        p = pw()
        case(f"spring{i}/src/main/resources/application.properties", f"spring.mail.host=smtp.acme.io\nspring.mail.password=${{MAIL_PASSWORD:{p}}}\n", [p], provider="spring")
        p = pw()
        case(f"compose{i}/docker-compose.yml", f"services:\n  minio:\n    image: minio/minio\n    environment:\n      MINIO_ROOT_USER: admin\n      MINIO_ROOT_PASSWORD: ${{MINIO_ROOT_PASSWORD:-{p}}}\n", [p], provider="compose")
        # UUID-shaped secrets under names that say so.
        u = g.uuid()
        case(f"ops{i}/login.sh", f"#!/bin/sh\nvault write auth/approle/login role_id=shop-ci secret_id={u}\n", [u], provider="vault-approle")
        # HTTP Authorization headers.
        p = pw()
        hdr = b64(f"deploy:{p}")
        case(f"ops{i}/deploy.sh", f"#!/bin/sh\ncurl -H 'Authorization: Basic {hdr}' https://api.acme.io/v1/deploy\n", [hdr], provider="basic-auth")
        # Docker Swarm join tokens; Dropbox long-lived tokens.
        sw = f"SWMTKN-1-{s(B36, 50)}-{s(B36, 25)}"
        case(f"swarm{i}/join.sh", f"#!/bin/sh\ndocker swarm join --token {sw} 10.0.{i}.5:2377\n", [sw], provider="docker-swarm")
        dbx = s(URL, 11) + "AAAAAAAAAA" + s(URL, 43)
        case(f"dropbox{i}/sync.js", f"const {{ Dropbox }} = require('dropbox');\nconst client = new Dropbox({{ accessToken: '{dbx}' }});\n", [dbx], provider="dropbox")
        # Double base64; a Kubernetes Secret holding a file of variables.
        tok = g.crc_token("ghp_")
        dbl = b64(b64(tok))
        case(f"ci{i}/vars.yml", f"deploy:\n  token: {dbl}\n", [dbl], provider="double-base64")
        p = pw()
        env = b64(f"DB_HOST=db.acme.io\nDB_PASSWORD={p}\n")
        weak = b64("password12345")
        case(f"k8s{i}/secret.yaml", f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: shop\ntype: Opaque\ndata:\n  app.env: {env}\n  admin-password: {weak}\n  default-password: {b64('changeme')}\n", [env], ["admin-password", "default-password"], provider="k8s-file")

        # A PuTTY key whose comment says dummy is still a working key.
        priv = [s(AN + "+/", 64) for _ in range(3)]
        ppk = ("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: dummy-key\nPublic-Lines: 2\n"
               + s(AN + "+/", 64) + "\n" + s(AN + "+/", 40) + "\nPrivate-Lines: 3\n" + "\n".join(priv)
               + "\nPrivate-MAC: " + s(HEX, 40) + "\n")
        case(f"keys{i}/deploy.ppk", ppk, ["PuTTY-User-Key-File-2"], provider="putty")
        # A weak password typed into a tool's credential file is weak, not a placeholder,
        # even for a local or documentation host; a service's stock default there is set-up.
        weak = g.r.choice(["hunter22", "password", "pass123", "swordfish", "letmein1"])
        case(f"editor{i}/sftp-config.json", f'{{\n    "type": "sftp",\n    "host": "example.com",\n    "user": "root",\n    "password": "{weak}",\n    "remote_path": "/var/www/"\n}}\n', [f'"password": "{weak}"'], provider="weak-credfile")
        case(f"editor{i}/.pgpass", "localhost:5432:*:postgres:postgres\n", negatives=["postgres"])
        p = pw()
        case(f"db{i}/.dbeaver-data-sources.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<data-sources>\n\t<data-source id="pg-{i}" provider="postgresql" name="prod" save-password="true">\n\t\t<connection host="pg{i}.acme.io" port="5432" database="shop" user="app" password="{p}"/>\n\t</data-source>\n</data-sources>\n', [p], provider="dbeaver")
        case(f"build{i}/configure", '#! /bin/sh\nac_pwd=`pwd` && test -n "$ac_pwd" &&\nac_pwd_ls_di=`cd "$ac_pwd" && ls -di .` ||\n', negatives=["ac_pwd_ls_di"])
        # A literal behind a constructor is a literal.
        p = pw()
        case(f"legacy{i}/src/Db.java", f"class Db {{\n    private static String passwd = new String(\"{p}\");\n}}\n", [p], provider="java-password")
        # A value set under a constant that names it (JNDI's credentials).
        jn = s(LOW, 6) + s(DIG, 4) + s(UP, 4) + s(AN, 4)
        case(f"legacy{i}/src/Ldap.java", f"class Ldap {{\n  void bind(Hashtable<String, String> env) {{\n    env.put(Context.SECURITY_PRINCIPAL, \"cn=svc,dc=acme,dc=io\");\n    env.put(Context.SECURITY_CREDENTIALS, \"{jn}\");\n  }}\n}}\n", [jn], ["SECURITY_PRINCIPAL"], provider="jndi")
        # ... and so is one in a file named as an example (example keys get deployed).
        case(f"misc-keys{i}/putty-example.ppk", ppk.replace("dummy-key", "example"), ["PuTTY-User-Key-File-2"], provider="putty")
        # Dot files without an extension are settings: an unquoted value is a literal.
        tk = s(HEX, 32)
        case(f"cloud{i}/.tugboat", f"---\nauthentication:\n  api_key: {tk}\ndefaults:\n  region: nyc{i}\n", [tk], provider="dotfile")
        # A chosen password may hold the word (in code, quoted).
        word = g.r.choice(["Harbor", "Maple", "Violet", "Quartz"])
        p = f"{word}Pass{g.r.randint(1970, 2024)}{g.r.choice('!#$%&*@')}"
        case(f"web{i}/db.js", f"const pg_host = 'db{i}.acme.io';\nconst pg_pass = \"{p}\";\n", [p], provider="code-password")

    # False alarms: documentation and tests of hashing, dummies, junk, published examples.
    for i in range(3):
        h = "$apr1$" + s(AN, 8) + "$" + s(AN + "./", 22)
        case(f"docs{i}/auth.md", f"# Basic auth\n\nCreate the file with `htpasswd`:\n\n    admin:{h}\n", negatives=[h])
        h = "$6$" + s(AN, 16) + "$" + s(AN + "./", 86)
        case(f"roles{i}/tests/integration/users.yml", f"- name: create a user with a hashed password\n  user:\n    name: unpriv{i}\n    password: \"{h}\"\n", negatives=[h])
        case(f"pkg{i}/tests/test_crypt.py", f"def test_sha512_crypt():\n    assert crypt('hello', SALT) == '{h}'\n", negatives=[h])
        case(f"tls{i}/certs/dummy.pem", "-----BEGIN RSA PRIVATE KEY-----\n" + der_key(g) + "\n-----END RSA PRIVATE KEY-----\n", negatives=["BEGIN"])
        case(f"tls{i}/mocks/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n" + der_key(g) + "\n-----END RSA PRIVATE KEY-----\n", negatives=["BEGIN"])
        case(f"k8s{i}/fixtures/plugin.yml", "spec:\n  plugin:\n    test-secret:\n      user: admin\n      secret: urn:k8s:secret:notfound:key\n", negatives=["urn:"])
        case(f"tls{i}/stub_key.priv", "-----BEGIN RSA PRIVATE KEY-----\n" + der_key(g) + "\n-----END RSA PRIVATE KEY-----\n", negatives=["BEGIN"])
        elf = "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00"
        case(f"bin{i}/libshop.so", elf + "\n-----BEGIN RSA PRIVATE KEY-----\n" + der_key(g) + "\n-----END RSA PRIVATE KEY-----\n\x00\x00", negatives=["BEGIN"])
        junk = "\n".join(("A" * 64) for _ in range(6))
        case(f"docs{i}/key-format.txt", f"The key looks like this:\n-----BEGIN RSA PRIVATE KEY-----\n{junk}\n-----END RSA PRIVATE KEY-----\n", negatives=["BEGIN"])
        case(f"api{i}/client.py", "STRIPE_KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'\nGITHUB_TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'\n", negatives=["STRIPE_KEY", "GITHUB_TOKEN"])
        case(f"api{i}/README.md", "Send the token:\n\n    Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n", negatives=["Bearer"])
        stub = "ghp_" + "ab" * 18
        case(f"mock{i}/github_test.go", f"package github\n\nconst fakeToken = \"{stub}\"\n", negatives=[stub])
        notjwt = "eyJ" + s(AN, 30) + ".eyJ" + s(AN, 40) + "." + s(AN, 43)
        case(f"web{i}/session.js", f"const session = \"{notjwt}\";\n", negatives=[notjwt])
        tok = "ghp_" + s(AN, 36)
        case(f"spec{i}/openapi.yaml", f"openapi: 3.0.3\ninfo:\n  title: Shop\ncomponents:\n  securitySchemes:\n    token:\n      type: http\n      scheme: bearer\n  schemas:\n    Credentials:\n      properties:\n        token:\n          type: string\n          example: {tok}\n", negatives=[tok])
        case(f"url{i}/tests/test_urlparse.py", "def test_userinfo():\n    u = urlparse('http://user:pass@host.example:8080/path')\n    assert u.password == 'pass'\n    u = urlparse('https://alice:s3cr3t@www.example.com/')\n", negatives=["user:pass", "alice"])
        ws = b64(s(AN, 16))
        case(f"ws{i}/handshake.txt", f"GET /chat HTTP/1.1\nHost: server.example.com\nUpgrade: websocket\nSec-WebSocket-Key: {ws}\nSec-WebSocket-Version: 13\n", negatives=[ws])
    return out
