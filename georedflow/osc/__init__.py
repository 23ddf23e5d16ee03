"""The OpenStackClient plugin: ``openstack georedundancy ...``, and the commands that the
``georedflow`` command line shares with it."""
