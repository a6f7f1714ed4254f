"""The audit trail is append-only: the database itself refuses UPDATE and DELETE on it."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION soberhouse_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % is not allowed on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER soberhouse_auditevent_append_only
    BEFORE UPDATE OR DELETE ON soberhouse_auditevent
    FOR EACH ROW EXECUTE FUNCTION soberhouse_audit_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS soberhouse_auditevent_append_only ON soberhouse_auditevent;
DROP FUNCTION IF EXISTS soberhouse_audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("soberhouse", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
