"""Robots and machines, by user agent, from the COUNTER-Robots list (counter-robots).

The package bundles the list (robot.txt and machine.txt), so this works offline;
COUNTER excludes both kinds from its reports. An empty user agent is a machine.
"""

from __future__ import annotations

from functools import lru_cache

import counter_robots

LIST_VERSION = counter_robots.__version__


@lru_cache(maxsize=65536)
def is_robot(agent: str) -> bool:
    return not agent.strip() or counter_robots.is_robot_or_machine(agent)
