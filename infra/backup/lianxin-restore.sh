#!/usr/bin/env bash
# Lianxin: restore a backup made by lianxin-backup.sh into a NEW database and an empty file store,
# then prove it with `lianxin audit verify` (infra/README.md, "Backups").
#
#   lianxin-restore.sh BACKUP        (a folder DEST/lianxin-<time>/ written by lianxin-backup.sh)
#
# Steps: check SHA256SUMS; check the two roles exist (infra/postgres/roles.sql makes them); create
# the database unless it exists empty (as roles.sql leaves it); pg_restore in one transaction,
# every object owned by the owner role; `lianxin db upgrade` (migrates a backup taken by older
# code, and grants the application role); copy the files; `lianxin audit verify`.
# The web, worker and beat services must be stopped; nothing here touches a database or a store
# that holds data already.
#
# Environment: the settings of the deployment being restored INTO (set -a; . lianxin.env; set +a),
# with the SAME LIANXIN_SECRET_KEY, LIANXIN_AUDIT_KEY_FILE and LIANXIN_ANONYMITY_KEY_FILE as the
# backed-up deployment (from the secret store; without them the audit log and sealed answers
# cannot be verified or opened):
#   LIANXIN_MIGRATION_DATABASE_URL, LIANXIN_DATABASE_URL, LIANXIN_APP_DB_ROLE (default lianxin_app)
#   LIANXIN_STORAGE (local or s3), LIANXIN_STORAGE_ROOT or LIANXIN_S3_BUCKET/_ENDPOINT_URL/_REGION
# and for creating the database and loading the dump, a superuser through libpq's PGHOST, PGPORT,
# PGUSER, PGPASSWORD / ~/.pgpass, plus
#   LIANXIN_RESTORE_DATABASE   the database to restore into (default: the one
#                              LIANXIN_MIGRATION_DATABASE_URL names, else lianxin)
#   LIANXIN_RESTORE_OWNER      the role that owns it (default: the user of that URL, else
#                              lianxin_owner)
#   LIANXIN_BIN                the lianxin command (default: lianxin on PATH)

set -euo pipefail
umask 027

die() {
    echo "lianxin-restore: $*" >&2
    exit 1
}

[[ $# -eq 1 && $1 != -* ]] || die "usage: lianxin-restore.sh BACKUP (a folder written by lianxin-backup.sh)"
backup=$(cd "$1" && pwd) || die "$1: no such folder"
# The database and its owner: those of the migration URL (postgresql+psycopg://USER:…@HOST/DB),
# which step 4 migrates, unless named otherwise.
url_owner='' url_database=''
if [[ ${LIANXIN_MIGRATION_DATABASE_URL:-} =~ ^[^:]+://([^:@/]+)(:[^@]*)?@[^/]*/([^?/]+) ]]; then
    url_owner=${BASH_REMATCH[1]} url_database=${BASH_REMATCH[3]}
fi
database=${LIANXIN_RESTORE_DATABASE:-${url_database:-lianxin}}
owner=${LIANXIN_RESTORE_OWNER:-${url_owner:-lianxin_owner}}
app_role=${LIANXIN_APP_DB_ROLE:-lianxin_app}
lianxin=${LIANXIN_BIN:-lianxin}
store=${LIANXIN_STORAGE:-local}

for tool in pg_restore psql sha256sum "$lianxin"; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
case $store in
local)
    command -v rsync >/dev/null || die "rsync not found (apt-get install rsync)"
    root=${LIANXIN_STORAGE_ROOT:-}
    [[ -n $root ]] || die "LIANXIN_STORAGE_ROOT is not set (load the new deployment's env file first)"
    if [[ -d $root && -n $(ls -A "$root") ]]; then
        die "LIANXIN_STORAGE_ROOT=$root is not empty: restore into an empty folder"
    fi
    ;;
s3)
    command -v aws >/dev/null || die "aws not found (apt-get install awscli)"
    bucket=${LIANXIN_S3_BUCKET:-lianxin}
    s3_args=()
    if [[ -n ${LIANXIN_S3_ENDPOINT_URL:-} ]]; then s3_args+=(--endpoint-url "$LIANXIN_S3_ENDPOINT_URL"); fi
    if [[ -n ${LIANXIN_S3_REGION:-} ]]; then s3_args+=(--region "$LIANXIN_S3_REGION"); fi
    first=$(aws s3api list-objects-v2 --bucket "$bucket" --max-items 1 --query 'Contents[0].Key' \
        --output text "${s3_args[@]}") || die "cannot list bucket $bucket (create it first)"
    [[ $first == None ]] || die "bucket $bucket is not empty: restore into an empty bucket"
    ;;
*) die "LIANXIN_STORAGE=$store: local or s3" ;;
esac

# --- 1. the backup is whole ---------------------------------------------------------------------------

[[ -f $backup/backup.txt && -f $backup/SHA256SUMS && -f $backup/database.dump ]] ||
    die "$backup is not a complete backup (no backup.txt, SHA256SUMS or database.dump)"
echo "1/5 checking $backup"
(cd "$backup" && sha256sum --quiet --strict -c SHA256SUMS) || die "$backup is damaged (SHA256SUMS)"

# --- 2. roles and an empty database ----------------------------------------------------------------

admin() { # admin DBNAME: psql as the superuser, the SQL on stdin, psql variables set
    psql -X -q -At -v ON_ERROR_STOP=1 --no-password -d "$1" \
        -v db="$database" -v owner="$owner" -v app="$app_role"
}

echo "2/5 database $database (owner $owner, application role $app_role)"
[[ $(admin postgres <<<"SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == t ]] ||
    die "creating the database and loading the dump need a superuser (PGUSER=postgres)"
for role in "$owner" "$app_role"; do
    found=$(psql -X -At --no-password -d postgres -v role="$role" <<<"SELECT 1 FROM pg_roles WHERE rolname = :'role'")
    [[ $found == 1 ]] || die "role \"$role\" does not exist: create the roles first (infra/postgres/roles.sql)"
done
exists=$(admin postgres <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")
if [[ $exists == 1 ]]; then
    tables=$(admin "$database" <<<"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'")
    [[ $tables == 0 ]] || die "database $database is not empty: restore into a new database"
else
    admin postgres <<<"CREATE DATABASE :\"db\" OWNER :\"owner\" ENCODING 'UTF8' TEMPLATE template0"
fi
# As infra/postgres/roles.sql leaves a new database: only the two roles connect, only the owner
# creates.
admin "$database" <<'SQL'
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
SQL

# --- 3. the dump, as the owner ----------------------------------------------------------------------

# --role: every object is created by (and so owned by) the owner; --no-owner/--no-privileges: the
# backed-up role names need not exist here; the application role's grants come from step 4. Row
# security is enabled after the rows are loaded (pg_dump orders it so), so the owner may load them.
echo "3/5 loading the dump"
pg_restore --no-password -d "$database" --role="$owner" --no-owner --no-privileges \
    --single-transaction --exit-on-error "$backup/database.dump" ||
    die "pg_restore failed; nothing was loaded (one transaction). Fix the cause and run again."

# --- 4. migrations and the application role's grants ---------------------------------------------

echo "4/5 lianxin db upgrade"
"$lianxin" db upgrade || die "lianxin db upgrade failed"
granted=$(admin "$database" <<<"SELECT has_table_privilege(:'app', 'audit_entries', 'SELECT')")
[[ $granted == t ]] || die "role $app_role has no access to $database after lianxin db upgrade:
does LIANXIN_MIGRATION_DATABASE_URL name database $database, and LIANXIN_APP_DB_ROLE $app_role?"

# --- 5. the files, then the proof -------------------------------------------------------------------

echo "5/5 files"
if [[ $store == local ]]; then
    mkdir -p "$root"
    rsync -a "$backup/files/" "$root/"
    echo "    (give the service user the folder: chown -R lianxin:lianxin $root)"
else
    aws s3 sync "$backup/files/" "s3://$bucket/" "${s3_args[@]}" --only-show-errors
fi

echo "lianxin audit verify"
if ! "$lianxin" audit verify; then
    die "the restored audit log does not verify (wrong audit key or LIANXIN_SECRET_KEY, or a damaged backup)"
fi
echo "restored $backup into database $database and the file store; start the services"
