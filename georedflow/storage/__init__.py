"""georedflow's own tables: models, sessions, migrations."""
