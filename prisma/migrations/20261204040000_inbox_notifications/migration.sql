-- Any change to a table an official's inbox (GET /tasks) is read from notifies the jz_inbox channel, at commit, of the
-- division code of each row changed (its old and its new code), so that every API process forgets the inboxes it
-- remembered under that code (api/inbox.ts). The payload is a division code and nothing else: no personal data. A
-- TRUNCATE names no code ('': every inbox). PostgreSQL sends one notification per distinct code and transaction.
-- The bodies' semicolons are written \073 (escape strings): the offline migration tool (../shared/tools/prisma-offline)
-- cuts a migration into statements at every semicolon, even inside a quoted body.

-- Rows that carry their code: the names of the code columns are the trigger's arguments.
CREATE FUNCTION "jz_inbox_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  rec jsonb\073
  col text\073
BEGIN
  FOREACH rec IN ARRAY ARRAY[
    CASE WHEN TG_OP <> ''INSERT'' THEN to_jsonb(OLD) END,
    CASE WHEN TG_OP <> ''DELETE'' THEN to_jsonb(NEW) END] LOOP
    CONTINUE WHEN rec IS NULL\073
    FOREACH col IN ARRAY TG_ARGV LOOP
      IF rec ->> col IS NOT NULL THEN PERFORM pg_notify(''jz_inbox'', rec ->> col)\073 END IF\073
    END LOOP\073
  END LOOP\073
  RETURN NULL\073
END';

-- A round's row changes at every step: its village code alone, without turning the row into json.
CREATE FUNCTION "jz_inbox_round_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP <> ''INSERT'' THEN PERFORM pg_notify(''jz_inbox'', OLD."villageCode")\073 END IF\073
  IF TG_OP <> ''DELETE'' THEN PERFORM pg_notify(''jz_inbox'', NEW."villageCode")\073 END IF\073
  RETURN NULL\073
END';

-- An objection names its round (its exit): the code is the round's village (the exit's unit).
CREATE FUNCTION "jz_inbox_objection_changed"() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  code text\073
BEGIN
  IF TG_TABLE_NAME = ''Objection'' THEN
    SELECT r."villageCode" INTO code FROM "Round" r WHERE r."id" = COALESCE(NEW."roundId", OLD."roundId")\073
  ELSE
    SELECT e."code" INTO code FROM "Exit" e WHERE e."id" = COALESCE(NEW."exitId", OLD."exitId")\073
  END IF\073
  PERFORM pg_notify(''jz_inbox'', COALESCE(code, ''''))\073
  RETURN NULL\073
END';

CREATE FUNCTION "jz_inbox_truncated"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''jz_inbox'', '''')\073 RETURN NULL\073 END';

CREATE TRIGGER "Round_inbox_changed" AFTER INSERT OR UPDATE OR DELETE ON "Round"
  FOR EACH ROW EXECUTE FUNCTION "jz_inbox_round_changed"();
CREATE TRIGGER "Objection_inbox_changed" AFTER INSERT OR UPDATE OR DELETE ON "Objection"
  FOR EACH ROW EXECUTE FUNCTION "jz_inbox_objection_changed"();
CREATE TRIGGER "ExitObjection_inbox_changed" AFTER INSERT OR UPDATE OR DELETE ON "ExitObjection"
  FOR EACH ROW EXECUTE FUNCTION "jz_inbox_objection_changed"();
CREATE TRIGGER "SupervisionFinding_inbox_changed" AFTER INSERT OR UPDATE OR DELETE ON "SupervisionFinding"
  FOR EACH ROW EXECUTE FUNCTION "jz_inbox_changed"('villageCode', 'townshipCode', 'escalatedToScope');
CREATE TRIGGER "EntryCandidate_inbox_changed" AFTER INSERT OR UPDATE OR DELETE ON "EntryCandidate"
  FOR EACH ROW EXECUTE FUNCTION "jz_inbox_changed"('villageCode');
CREATE TRIGGER "Exit_inbox_changed" AFTER INSERT OR UPDATE OR DELETE ON "Exit"
  FOR EACH ROW EXECUTE FUNCTION "jz_inbox_changed"('code');

CREATE TRIGGER "Round_inbox_truncated" AFTER TRUNCATE ON "Round"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_inbox_truncated"();
CREATE TRIGGER "Objection_inbox_truncated" AFTER TRUNCATE ON "Objection"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_inbox_truncated"();
CREATE TRIGGER "ExitObjection_inbox_truncated" AFTER TRUNCATE ON "ExitObjection"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_inbox_truncated"();
CREATE TRIGGER "SupervisionFinding_inbox_truncated" AFTER TRUNCATE ON "SupervisionFinding"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_inbox_truncated"();
CREATE TRIGGER "EntryCandidate_inbox_truncated" AFTER TRUNCATE ON "EntryCandidate"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_inbox_truncated"();
CREATE TRIGGER "Exit_inbox_truncated" AFTER TRUNCATE ON "Exit"
  FOR EACH STATEMENT EXECUTE FUNCTION "jz_inbox_truncated"();
