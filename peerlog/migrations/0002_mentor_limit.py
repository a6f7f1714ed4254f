"""The database keeps a mentor within their house's number of mentees: a trigger counts the
mentor's active pairings (locking the mentor's row, so that two pairings made at once are
counted one after the other) and refuses one too many with a check violation."""

from django.db import migrations

LIMIT = """
CREATE FUNCTION peerlog_pairing_mentor_limit() RETURNS trigger AS $$
DECLARE
    most integer;
    active integer;
BEGIN
    IF NEW.ends_on IS NOT NULL THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM residents_resident WHERE id = NEW.mentor_id FOR UPDATE;
    SELECT COALESCE(
        (SELECT max_mentees FROM peerlog_mentoringsettings WHERE house_id = NEW.house_id), 3
    ) INTO most;
    SELECT count(*) INTO active FROM peerlog_pairing
        WHERE mentor_id = NEW.mentor_id AND ends_on IS NULL AND id <> NEW.id;
    IF active >= most THEN
        RAISE EXCEPTION 'This mentor has % mentees already, the most the house allows.', active
            USING ERRCODE = 'check_violation', CONSTRAINT = 'pairing_mentor_limit';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pairing_mentor_limit
    BEFORE INSERT OR UPDATE OF mentor_id, ends_on ON peerlog_pairing
    FOR EACH ROW EXECUTE FUNCTION peerlog_pairing_mentor_limit();
"""

UNDO = """
DROP TRIGGER IF EXISTS pairing_mentor_limit ON peerlog_pairing;
DROP FUNCTION IF EXISTS peerlog_pairing_mentor_limit();
"""


class Migration(migrations.Migration):
    dependencies = [("peerlog", "0001_initial")]

    operations = [migrations.RunSQL(LIMIT, UNDO)]
