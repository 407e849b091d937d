"""Identity-resolution benchmark of the people registry: `python -m bench.people [--records N]`."""
