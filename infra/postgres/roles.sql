-- Lianxin: PostgreSQL roles and database (ARCHITECTURE.md invariant 3).
--
-- Run once per cluster as a superuser; the names and passwords are psql variables:
--     psql -v ON_ERROR_STOP=1 -U postgres -d postgres \
--          -v owner=lianxin_owner -v app=lianxin_app -v db=lianxin \
--          -v owner_password='…' -v app_password='…' \
--          -f infra/postgres/roles.sql
-- Each -v may be left out: the defaults are set below (owner lianxin_owner, app lianxin_app,
-- db lianxin, passwords CHANGE-ME-…). infra/compose.yaml runs it from
-- /docker-entrypoint-initdb.d on an empty volume, where no -v is given: the defaults apply.
-- Running it again is harmless: existing roles keep their passwords, existing objects stay.
--
-- Two roles:
--   owner  owns the database, the schema objects and the migrations. Alembic connects as this
--          role: LIANXIN_MIGRATION_DATABASE_URL.
--   app    what the web processes and Celery workers connect as: LIANXIN_DATABASE_URL, and
--          LIANXIN_APP_DB_ROLE names it. It owns nothing and cannot bypass row-level security,
--          so PostgreSQL itself keeps each township's rows apart even if the ORM filter were
--          skipped.
--
-- What this file does NOT do, because the migrations do it (the Alembic env, as the owner):
--   * every tenant table gets row-level security, ENABLE and FORCE (FORCE so that even the
--     owner is subject to it), with one policy for USING and WITH CHECK:
--         tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint
--     The application sets app.tenant_id per transaction with
--     SELECT set_config('app.tenant_id', :t, true); with no setting, no tenant row is visible.
--   * privileges for the role named by LIANXIN_APP_DB_ROLE (default lianxin_app), granted on
--     each table as it is created: SELECT, INSERT, UPDATE, DELETE on ordinary tables; only
--     SELECT and INSERT on audit_entries and audit_chain_heads, which are append-only
--     (hash-chained per tenant, each entry signed with a key the database never holds);
--     USAGE on sequences. `lianxin db upgrade` stops with an error if that role is missing.
-- There are deliberately no ALTER DEFAULT PRIVILEGES here: a default grant would also give
-- UPDATE and DELETE on the audit tables.
--
-- PASSWORDS: the defaults are placeholders. Give real ones with -v owner_password=… and
-- -v app_password=… (they then show in the process list while psql runs), or set them right
-- after the first run with \password <role> in psql; put the same values into
-- /etc/lianxin/lianxin.env.

\set ON_ERROR_STOP on

-- Names and passwords: a -v on the command line wins over these defaults.
\if :{?owner}
\else
\set owner lianxin_owner
\endif
\if :{?app}
\else
\set app lianxin_app
\endif
\if :{?db}
\else
\set db lianxin
\endif
\if :{?owner_password}
\else
\set owner_password CHANGE-ME-owner-password
\endif
\if :{?app_password}
\else
\set app_password CHANGE-ME-app-password
\endif

-- Roles ---------------------------------------------------------------------------------

-- psql does not substitute variables inside a DO block's body: \gexec runs each CREATE ROLE
-- only when the role is missing.
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'owner', :'owner_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner')
\gexec
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app')
\gexec

-- Attributes are (re)asserted on every run, whatever created the roles.
-- The owner needs no special power: it creates tables in a database it owns.
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
-- The application role: no way around row-level security, no way to create anything.
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

-- Database ------------------------------------------------------------------------------

-- CREATE DATABASE cannot run inside a DO block or a transaction; \gexec runs it only when the
-- database is missing.
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec

ALTER DATABASE :"db" OWNER TO :"owner";
-- Only the two roles (and superusers) may connect.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";

-- Schema, inside the new database ---------------------------------------------------------

\connect :"db"

-- PostgreSQL 15 already denies CREATE on public to PUBLIC in new databases (and lets the
-- database owner create there); say both anyway so that an older server or a database
-- restored from an older dump is locked down the same way.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
GRANT USAGE ON SCHEMA public TO :"app";
