"""A per-process cache of rendered HTML fragments (a comment as one kind of viewer sees it).

The key names everything the fragment was made from — content version, language, the viewer's flags — so an
entry never goes stale: a change makes a new key, and the old entry ages out of the LRU. That is why it can
live in each process's memory with no invalidation across hosts, and why no entry is ever shown to a viewer
it was not made for (a different flag is a different key).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from markupsafe import Markup


class FragmentCache:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        made = str(render())
        with self._lock:
            self._entries[key] = made
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


html = FragmentCache(size=10_000)  # comments and feed cards

__all__ = ["FragmentCache", "Markup", "html"]
