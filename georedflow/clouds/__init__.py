"""The one path to the clouds: a small driver interface and its openstacksdk implementation."""
