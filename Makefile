# The two commands of the README, and a few more for development.
.PHONY: run stop test lint sample-config sample-policy lab-up lab-down

run:            ## set everything up and run georedflow on the embedded default
	scripts/run.sh

stop:           ## stop what 'make run' started
	scripts/stop.sh

test:           ## set everything up and run the whole test suite
	scripts/test.sh

lint:
	scripts/bootstrap.sh
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

sample-config:  ## regenerate conf/georedflow.conf.sample
	scripts/bootstrap.sh
	.venv/bin/oslo-config-generator --config-file conf/georedflow-config-generator.conf

sample-policy:  ## regenerate conf/policy.yaml.sample (every rule, with its default)
	scripts/bootstrap.sh
	.venv/bin/oslopolicy-sample-generator --config-file conf/georedflow-policy-generator.conf

lab-up:
	python3 -m lab up

lab-down:
	python3 -m lab down
