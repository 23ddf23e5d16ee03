"""TaskFlow tasks: one side effect each, named Verb+Noun, with a revert that undoes it."""
