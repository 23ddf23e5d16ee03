"""Address and identifier planning: pure functions, no cloud calls, no database."""
