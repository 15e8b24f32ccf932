"""Bidders linked by strong evidence: connected components over high-risk pairs (union-find)."""

from __future__ import annotations

from assistant.collusion.models import Group, PairResult


def strong_groups(pairs: list[PairResult], bidder_of: dict[str, int] | None = None) -> list[Group]:
    """`bidder_of`: file -> its bidder, when one bidder has several files (they count as one 家)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        if p.risk == "high":
            ra, rb = find(p.a), find(p.b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    comps: dict[str, list[str]] = {}
    for x in parent:
        comps.setdefault(find(x), []).append(x)
    groups = [Group(members=sorted(m), kind="strong_link", tier="强",
                    description=f"{_bidders(m, bidder_of or {})} 家投标人之间有强证据相互关联，建议作为一组复核")
              for m in comps.values() if len(m) >= 2]
    groups.sort(key=lambda gr: (-len(gr.members), gr.members))
    return groups


def _bidders(files: list[str], bidder_of: dict[str, int]) -> int:
    return len({bidder_of.get(f, f) for f in files})
