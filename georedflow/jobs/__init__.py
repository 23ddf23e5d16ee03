"""Running jobs: TaskFlow persistence, the runners, and the job board interface."""
