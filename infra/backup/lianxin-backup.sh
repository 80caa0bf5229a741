#!/usr/bin/env bash
# Lianxin: one consistent backup of the database and the file store (infra/README.md, "Backups").
#
#   lianxin-backup.sh DEST
#
# writes DEST/lianxin-<UTC time>/ with
#   database.dump   pg_dump -Fc of the whole database (schema, rows of every township, policies)
#   files/          the file store: uploads, generated files, county exports, audit checkpoints
#   backup.txt      what was taken, when, from where, at which migration
#   SHA256SUMS      of database.dump and every file, checked by lianxin-restore.sh
# A run that fails leaves nothing behind but its error: the backup is built in a hidden folder
# and renamed into place only once complete.
#
# The order keeps the two halves consistent (reasoning in infra/README.md):
#   1. the audit checkpoints      (written only after the entries they sign have committed)
#   2. the database               (one snapshot)
#   3. every other file           (an object is stored before the row naming it commits, and
#                                  never deleted afterwards)
# so every checkpoint names entries the dump holds and every file row of the dump finds its file.
#
# Environment: the app's own settings (set -a; . /etc/lianxin/lianxin.env; set +a)
#   LIANXIN_STORAGE             local (default) or s3
#   LIANXIN_STORAGE_ROOT        the local folder (local)
#   LIANXIN_S3_BUCKET, LIANXIN_S3_ENDPOINT_URL, LIANXIN_S3_REGION and the AWS_* keys (s3; the
#                               `aws` command line tool reads the keys from the environment)
# and for the dump, libpq's usual PGHOST, PGPORT, PGUSER, PGPASSWORD / ~/.pgpass, plus
#   LIANXIN_BACKUP_DATABASE     database name or libpq connection string (default: lianxin)
# The dump role must be a superuser, or a role with BYPASSRLS that may read every table (e.g.
# a member of pg_read_all_data). Any other role, the owner included, is refused: row-level
# security is FORCEd on the tenant tables, so pg_dump as such a role either stops part-way or,
# with --enable-row-security, writes a dump without a single township's rows.
#
# Keys are NOT part of this backup, on purpose: LIANXIN_SECRET_KEY, LIANXIN_AUDIT_KEY_FILE and
# LIANXIN_ANONYMITY_KEY_FILE are kept apart from the database and its backups (secret store).

set -euo pipefail
umask 077

die() {
    echo "lianxin-backup: $*" >&2
    exit 1
}

[[ $# -eq 1 && $1 != -* ]] || die "usage: lianxin-backup.sh DEST (a folder; the backup becomes DEST/lianxin-<time>/)"
dest=$1
database=${LIANXIN_BACKUP_DATABASE:-lianxin}
store=${LIANXIN_STORAGE:-local}

for tool in pg_dump pg_restore psql sha256sum; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install postgresql-client)"
done
case $store in
local)
    command -v rsync >/dev/null || die "rsync not found (apt-get install rsync)"
    root=${LIANXIN_STORAGE_ROOT:-}
    [[ -n $root ]] || die "LIANXIN_STORAGE_ROOT is not set (load the app's env file first)"
    [[ -d $root ]] || die "LIANXIN_STORAGE_ROOT=$root is not a folder"
    ;;
s3)
    command -v aws >/dev/null || die "aws not found (apt-get install awscli)"
    bucket=${LIANXIN_S3_BUCKET:-lianxin}
    s3_args=()
    if [[ -n ${LIANXIN_S3_ENDPOINT_URL:-} ]]; then s3_args+=(--endpoint-url "$LIANXIN_S3_ENDPOINT_URL"); fi
    if [[ -n ${LIANXIN_S3_REGION:-} ]]; then s3_args+=(--region "$LIANXIN_S3_REGION"); fi
    ;;
*) die "LIANXIN_STORAGE=$store: local or s3" ;;
esac

sql() {
    psql -X -q -At -v ON_ERROR_STOP=1 --no-password -d "$database" -c "$1"
}

# --- the dump role must see every row -------------------------------------------------------------

role_line=$(sql "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") ||
    die "cannot connect to the database ($database) with the PG* settings above"
IFS='|' read -r role is_super bypasses <<<"$role_line"
if [[ $is_super != t && $bypasses != t ]]; then
    die "refusing to dump as role \"$role\": it is neither a superuser nor BYPASSRLS, and row-level
security is FORCEd on the tenant tables, so pg_dump would stop part-way (or, with
--enable-row-security, silently leave out every township's rows). Dump as a superuser
(PGUSER=postgres) or as a backup role: CREATE ROLE lianxin_backup LOGIN BYPASSRLS;
GRANT pg_read_all_data TO lianxin_backup; (infra/README.md, \"Backups\")."
fi
if [[ $is_super != t ]]; then
    unreadable=$(sql "SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY 1)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND NOT has_table_privilege(c.oid, 'SELECT')")
    [[ -z $unreadable ]] ||
        die "refusing to dump as role \"$role\": it may not read $unreadable (GRANT pg_read_all_data TO $role)"
fi
revision=$(sql "SELECT string_agg(version_num, ',') FROM alembic_version" 2>/dev/null || echo unknown)
server=$(sql "SHOW server_version")

# --- the backup is built in a hidden folder, renamed into place when complete ---------------------

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$dest/lianxin-$stamp"
[[ ! -e $final ]] || die "$final exists already"
work=$(mktemp -d "$dest/.lianxin-$stamp.XXXXXX")
done_ok=0
cleanup() {
    if [[ $done_ok != 1 ]]; then
        rm -rf -- "$work"
        echo "lianxin-backup: FAILED, nothing kept" >&2
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
mkdir "$work/files"

# The newest complete backup: unchanged files are hard-linked to it instead of copied.
previous=$(find "$dest" -mindepth 1 -maxdepth 1 -type d -name 'lianxin-*' | sort | tail -n 1)
link=() link_checkpoints=()
if [[ -n $previous && -d $previous/files ]]; then
    link=(--link-dest="$previous/files")
    link_checkpoints=(--link-dest="$previous/files/audit-checkpoints")
fi

# --- 1. audit checkpoints, before the database ----------------------------------------------------

echo "1/3 audit checkpoints"
if [[ $store == local ]]; then
    if [[ -d $root/audit-checkpoints ]]; then
        rsync -a --exclude='*.part' "${link_checkpoints[@]}" "$root/audit-checkpoints/" \
            "$work/files/audit-checkpoints/"
    fi
else
    aws s3 sync "s3://$bucket/audit-checkpoints/" "$work/files/audit-checkpoints/" "${s3_args[@]}" --only-show-errors
fi

# --- 2. the database, one snapshot ----------------------------------------------------------------

echo "2/3 database $database as $role"
if ! pg_dump -Fc --no-password -d "$database" -f "$work/database.dump.part" 2>"$work/pg_dump.err"; then
    cat "$work/pg_dump.err" >&2
    if grep -q "row-level security" "$work/pg_dump.err"; then
        die "pg_dump stopped at a table under row-level security: role \"$role\" does not see every row"
    fi
    die "pg_dump failed"
fi
rm -f "$work/pg_dump.err"
mv "$work/database.dump.part" "$work/database.dump"
pg_restore --list "$work/database.dump" >/dev/null || die "the dump does not read back"

# --- 3. every other file, after the database ------------------------------------------------------

echo "3/3 files"
if [[ $store == local ]]; then
    rsync -a --exclude='*.part' --exclude='/audit-checkpoints/' "${link[@]}" "$root/" "$work/files/"
else
    aws s3 sync "s3://$bucket/" "$work/files/" --exclude 'audit-checkpoints/*' "${s3_args[@]}" --only-show-errors
fi

# --- what was taken -------------------------------------------------------------------------------

(
    cd "$work"
    sha256sum database.dump
    find files -type f -print0 | sort -z | xargs -0 -r sha256sum
) >"$work/SHA256SUMS"
files=$(find "$work/files" -type f | wc -l)
{
    echo "created: $stamp"
    echo "database: $database (server $server, revision $revision)"
    echo "dumped as: $role ($(pg_dump --version))"
    case $store in
    local) echo "file store: local $root ($files files)" ;;
    s3) echo "file store: s3 $bucket ($files files)" ;;
    esac
    echo "order: audit checkpoints, then the database, then the other files"
    echo "not included: LIANXIN_SECRET_KEY, the audit key file, the anonymity key file (secret store)"
} >"$work/backup.txt"

chmod 0700 "$work"
mv "$work" "$final"
done_ok=1
echo "backup written: $final"
