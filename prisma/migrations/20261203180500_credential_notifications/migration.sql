-- A token revoked or a console session signed out (any change to either table, by the API, the CLI or by hand):
-- every API process listening on jz_credentials forgets what it remembered of them at once (api/credentials.ts).
-- The payload is the table's name: no token, hash or personal data goes over the channel.
-- The body's semicolons are written \073 (an escape string): the offline migration tool (../shared/tools/prisma-offline)
-- cuts a migration into statements at every semicolon, even inside a quoted body.
CREATE FUNCTION "jz_credentials_changed"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''jz_credentials'', TG_TABLE_NAME)\073 RETURN NULL\073 END';

CREATE TRIGGER "Official_credentials_changed" AFTER UPDATE OR DELETE OR TRUNCATE ON "Official"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_credentials_changed"();

CREATE TRIGGER "ConsoleSession_credentials_changed" AFTER UPDATE OR DELETE OR TRUNCATE ON "ConsoleSession"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_credentials_changed"();
