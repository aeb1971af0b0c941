#!/usr/bin/env bash
# From a bare Debian 12 / Ubuntu 24.04 server to newsroom behind nginx with TLS, in one command:
#
#   sudo deploy/install.sh --domain news.example.ir --email ops@example.ir
#
# Installs PostgreSQL, Redis, nginx and certbot from the distribution; creates the `newsroom`
# user, database and role; copies this checkout to --prefix with its own virtualenv (the hashed
# requirements/base.txt); writes --prefix/.env once (fresh secret key, production switches);
# migrates, loads the initial content, collects static files; installs deploy/'s systemd units
# (app, nightly backup, daily purge, editors' digest, health check) and nginx site with the
# paths and host name filled in; gets a Let's Encrypt certificate; waits for /readyz.
#
# Idempotent: run it again after `git pull` to update (the .env, database and media are kept).
# A script rather than Ansible or a container: one machine, the distribution's own services and
# systemd, nothing to install first, and every step readable here.
#
#   --no-system   only the app in --prefix (no apt, users, databases, systemd, nginx, TLS), against
#                 --database-url / --cache-url that exist already: how it is exercised in tests
#   --dry-run     print the commands instead of running them
#   --venv PATH   use this virtualenv instead of --prefix/.venv
set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/srv/newsroom
DOMAIN=""
EMAIL=""
DATABASE_URL=""
CACHE_URL="redis://127.0.0.1:6379/0"
SYSTEM=1
DRY=0
VENV=""
USER_NAME=newsroom

usage() { sed -n '2,22p' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --domain) DOMAIN="$2"; shift 2 ;;
    --email) EMAIL="$2"; shift 2 ;;
    --database-url) DATABASE_URL="$2"; shift 2 ;;
    --cache-url) CACHE_URL="$2"; shift 2 ;;
    --venv) VENV="$2"; shift 2 ;;
    --no-system) SYSTEM=0; shift ;;
    --dry-run) DRY=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 1 ;;
  esac
done
[ -n "$DOMAIN" ] || { echo "--domain is required (the site's host name)" >&2; exit 1; }
VENV="${VENV:-$PREFIX/.venv}"

run() {
  echo "+ $*"
  [ "$DRY" = 1 ] || "$@"
}
as_app() {  # a command in $PREFIX as the app's user (as ourselves with --no-system)
  if [ "$SYSTEM" = 1 ]; then run runuser -u "$USER_NAME" -- "$@"; else run "$@"; fi
}
step() { echo; echo "== $*"; }

if [ "$SYSTEM" = 1 ]; then
  [ "$(id -u)" = 0 ] || [ "$DRY" = 1 ] || { echo "run as root (sudo), or use --no-system" >&2; exit 1; }
  step "Packages"
  run apt-get update -q
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv \
    postgresql postgresql-client redis-server nginx certbot python3-certbot-nginx curl rsync
  step "User and database"
  id "$USER_NAME" >/dev/null 2>&1 || run useradd --system --home "$PREFIX" --shell /usr/sbin/nologin "$USER_NAME"
  if [ -z "$DATABASE_URL" ]; then
    # Peer authentication over the local socket: no password to keep anywhere.
    if [ "$DRY" = 1 ] || ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$USER_NAME'" | grep -q 1; then
      run runuser -u postgres -- createuser "$USER_NAME"
    fi
    if [ "$DRY" = 1 ] || ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='$USER_NAME'" | grep -q 1; then
      run runuser -u postgres -- createdb --owner "$USER_NAME" "$USER_NAME"
    fi
    DATABASE_URL="postgres:///$USER_NAME"
  fi
  run systemctl enable --now postgresql redis-server
fi
[ -n "$DATABASE_URL" ] || { echo "--database-url is required with --no-system" >&2; exit 1; }

step "Application in $PREFIX"
run mkdir -p "$PREFIX" "$PREFIX/media" "$PREFIX/var/backups"
# The code only: the .env, databases, media, backups and caches there are the site's own.
run rsync -a --delete \
  --exclude .git --exclude .venv --exclude .env --exclude node_modules --exclude staticfiles \
  --exclude media --exclude var --exclude '*.sqlite3*' --exclude __pycache__ --exclude test-artifacts \
  "$SOURCE/" "$PREFIX/"
[ -x "$VENV/bin/python" ] || run python3 -m venv "$VENV"
run "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$PREFIX/requirements/base.txt"

if [ ! -f "$PREFIX/.env" ]; then
  step "Settings ($PREFIX/.env, written once)"
  secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
  if [ "$DRY" = 1 ]; then echo "+ write $PREFIX/.env"; else
    sed "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$secret|" "$SOURCE/.env.example" > "$PREFIX/.env"
    cat >> "$PREFIX/.env" <<SETTINGS

# --- Written by deploy/install.sh (later lines win) ---
DATABASE_URL=$DATABASE_URL
CACHE_URL=$CACHE_URL
DJANGO_ALLOWED_HOSTS=$DOMAIN
DJANGO_CSRF_TRUSTED_ORIGINS=https://$DOMAIN
DJANGO_SITE_URL=https://$DOMAIN
DJANGO_HTTPS=on
DJANGO_BEHIND_PROXY=on
DJANGO_MEDIA_ROOT=$PREFIX/media
BACKUP_DIR=$PREFIX/var/backups
LOG_FORMAT=json
SETTINGS
    chmod 600 "$PREFIX/.env"
  fi
fi
if [ "$SYSTEM" = 1 ]; then run chown -R "$USER_NAME:$USER_NAME" "$PREFIX"; fi

step "Database and static files"
echo "+ cd $PREFIX"
[ "$DRY" = 1 ] || cd "$PREFIX"
as_app "$VENV/bin/python" manage.py migrate --noinput
as_app "$VENV/bin/python" manage.py load_initial_content
as_app "$VENV/bin/python" manage.py collectstatic --noinput --verbosity 0
as_app "$VENV/bin/python" manage.py check --deploy --fail-level ERROR

step "systemd units and nginx site (rendered into $PREFIX/etc)"
run mkdir -p "$PREFIX/etc/systemd" "$PREFIX/etc/nginx"
for unit in "$SOURCE"/deploy/*.service "$SOURCE"/deploy/*.timer; do
  if [ "$DRY" = 1 ]; then echo "+ render $(basename "$unit")"; continue; fi
  sed -e "s|/srv/newsroom/.venv|$VENV|g" -e "s|/srv/newsroom|$PREFIX|g" "$unit" > "$PREFIX/etc/systemd/$(basename "$unit")"
done
if [ "$DRY" = 0 ]; then
  sed -e "s|/srv/newsroom|$PREFIX|g" -e "s|news\.example\.ir|$DOMAIN|g" \
    -e "s|/etc/ssl/certs/$DOMAIN.pem|/etc/letsencrypt/live/$DOMAIN/fullchain.pem|" \
    -e "s|/etc/ssl/private/$DOMAIN.key|/etc/letsencrypt/live/$DOMAIN/privkey.pem|" \
    "$SOURCE/deploy/nginx.conf" > "$PREFIX/etc/nginx/newsroom.conf"
fi

if [ "$SYSTEM" = 1 ]; then
  step "Services"
  run cp "$PREFIX"/etc/systemd/* /etc/systemd/system/
  run systemctl daemon-reload
  run systemctl enable --now newsroom.service
  run systemctl restart newsroom.service  # an update: new code, graceful for nginx's retries
  for timer in newsroom-backup newsroom-healthcheck purge-personal-data notify-editors; do
    run systemctl enable --now "$timer.timer"
  done
  step "nginx and TLS"
  if [ ! -f "/etc/letsencrypt/live/$DOMAIN/fullchain.pem" ]; then
    # A first certificate through the distribution's default site on port 80.
    run certbot certonly --webroot -w /var/www/html -d "$DOMAIN" --non-interactive --agree-tos \
      ${EMAIL:+--email "$EMAIL"} ${EMAIL:---register-unsafely-without-email}
  fi
  run mkdir -p /var/cache/nginx/newsroom
  run cp "$PREFIX/etc/nginx/newsroom.conf" /etc/nginx/sites-available/newsroom
  run ln -sf /etc/nginx/sites-available/newsroom /etc/nginx/sites-enabled/newsroom
  run rm -f /etc/nginx/sites-enabled/default
  run nginx -t
  run systemctl reload nginx
  step "Ready?"
  run curl -fsS --max-time 10 http://127.0.0.1:8000/readyz
  echo
  echo "Create the first editor: cd $PREFIX && sudo -u $USER_NAME $VENV/bin/python manage.py create_editor NAME --role chief"
else
  echo
  echo "Installed in $PREFIX (no system changes). Serve it with:"
  echo "  cd $PREFIX && $VENV/bin/gunicorn --config gunicorn.conf.py newsroom.wsgi"
fi
