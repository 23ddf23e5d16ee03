"""Segmentation ids (VLAN id, VNI, GRE key) and BGPVPN route targets."""

from collections.abc import Iterable

from georedflow.exceptions import Conflict, InvalidInput


def parse_ranges(spec: Iterable[str]) -> list[tuple[int, int]]:
    """``["1000:1099", "1200:1299"]`` → ``[(1000, 1099), (1200, 1299)]``."""
    ranges = []
    for item in spec:
        low, _, high = item.partition(":")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise InvalidInput(f"'{item}' is not a range like 1000:1099") from None
        if first > last:
            raise InvalidInput(f"range '{item}' is empty")
        ranges.append((first, last))
    return ranges


def choose(ranges: list[tuple[int, int]], used: set[int], requested: int | None = None) -> int:
    """The requested id if free, else the lowest free one in ``ranges``."""
    if requested is not None:
        if requested in used:
            raise Conflict(f"segmentation id {requested} is already in use")
        return requested
    for first, last in ranges:
        for candidate in range(first, last + 1):
            if candidate not in used:
                return candidate
    spans = ", ".join(f"{a}-{b}" for a, b in ranges)
    raise Conflict(f"no free segmentation id is left in {spans} on both sites")


def route_target(asn: int, number: int) -> str:
    return f"{asn}:{number}"


def next_route_target(asn: int, taken: Iterable[str]) -> str:
    """The route target after the highest one already allocated under ``asn``."""
    numbers = [
        int(rt.partition(":")[2])
        for rt in taken
        if rt.startswith(f"{asn}:") and rt.partition(":")[2].isdigit()
    ]
    return route_target(asn, max(numbers, default=0) + 1)
