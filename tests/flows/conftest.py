"""Fixtures shared by the flow tests."""

from __future__ import annotations

import pytest

from gelbot.models import Role
from gelbot.services import Services
from tests.support.flows_world import FlowWorld, make_world
from tests.support.harness import Harness


@pytest.fixture
async def world(bot: Harness, services: Services) -> FlowWorld:
    """Ana's committee, with Carla as its editor web and Beto as a member."""
    found = await make_world(bot, services)
    await found.add("Carla", Role.EDITOR_WEB)
    await found.add("Beto")
    return found
