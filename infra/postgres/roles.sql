-- Lianxin: PostgreSQL roles and database (ARCHITECTURE.md invariant 3).
--
-- Run once per cluster as a superuser:
--     psql -v ON_ERROR_STOP=1 -U postgres -d postgres -f infra/postgres/roles.sql
-- infra/compose.yaml runs it automatically from /docker-entrypoint-initdb.d on an empty volume.
-- Running it again is harmless: existing roles keep their passwords, existing objects stay.
--
-- Two roles:
--   lianxin_owner  owns the database, the schema objects and the migrations. Alembic connects
--                  as this role: LIANXIN_MIGRATION_DATABASE_URL.
--   lianxin_app    what the web processes and Celery workers connect as: LIANXIN_DATABASE_URL.
--                  It owns nothing and cannot bypass row-level security, so PostgreSQL itself
--                  keeps each township's rows apart even if the ORM filter were skipped.
--
-- What this file does NOT do, because the migrations do it (the Alembic env, as lianxin_owner):
--   * every tenant table gets row-level security, ENABLE and FORCE (FORCE so that even the
--     owner is subject to it), with one policy for USING and WITH CHECK:
--         tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
--     The application sets app.tenant_id per transaction with
--     SELECT set_config('app.tenant_id', :t, true); with no setting, no tenant row is visible.
--   * privileges for the role named by LIANXIN_APP_DB_ROLE (default lianxin_app), granted on
--     each table as it is created: SELECT, INSERT, UPDATE, DELETE on ordinary tables; only
--     SELECT and INSERT on audit_entries and audit_chain_heads, which are append-only
--     (hash-chained per tenant, each entry signed with a key the database never holds);
--     USAGE on sequences.
-- There are deliberately no ALTER DEFAULT PRIVILEGES here: a default grant would also give
-- UPDATE and DELETE on the audit tables.
--
-- PASSWORDS: the two below are placeholders. Change them here before the first run, or
-- right after it with \password lianxin_owner and \password lianxin_app in psql, and put the
-- same values into /etc/lianxin/lianxin.env.

\set ON_ERROR_STOP on

-- Roles ---------------------------------------------------------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lianxin_owner') THEN
        CREATE ROLE lianxin_owner LOGIN PASSWORD 'CHANGE-ME-owner-password';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lianxin_app') THEN
        CREATE ROLE lianxin_app LOGIN PASSWORD 'CHANGE-ME-app-password';
    END IF;
END
$$;

-- Attributes are (re)asserted on every run, whatever created the roles.
-- The owner needs no special power: it creates tables in a database it owns.
ALTER ROLE lianxin_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
-- The application role: no way around row-level security, no way to create anything.
ALTER ROLE lianxin_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

-- Database ------------------------------------------------------------------------------

-- CREATE DATABASE cannot run inside a DO block or a transaction; psql's \gexec runs it only
-- when the database is missing.
SELECT 'CREATE DATABASE lianxin OWNER lianxin_owner ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'lianxin')
\gexec

ALTER DATABASE lianxin OWNER TO lianxin_owner;
-- Only the two roles (and superusers) may connect.
REVOKE ALL ON DATABASE lianxin FROM PUBLIC;
GRANT CONNECT ON DATABASE lianxin TO lianxin_app;

-- Schema, inside the new database ---------------------------------------------------------

\connect lianxin

-- PostgreSQL 15 already denies CREATE on public to PUBLIC in new databases (and lets the
-- database owner create there); say both anyway so that an older server or a database
-- restored from an older dump is locked down the same way.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO lianxin_owner;
GRANT USAGE ON SCHEMA public TO lianxin_app;
