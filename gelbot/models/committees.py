"""Committees, the people in them, and their roles."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gelbot.models.base import Base, UTCDateTime


class Role(enum.StrEnum):
    """What a member may do in one committee."""

    COORDINADOR = "coordinador"
    MIEMBRO = "miembro"
    CONTROL_INTERNO = "control_interno"
    EDITOR_WEB = "editor_web"
    DELEGADO = "delegado"


class Orden(enum.StrEnum):
    NACIONAL = "nacional"
    TERRITORIAL = "territorial"


class Nivel(enum.StrEnum):
    MUNICIPAL = "municipal"
    DEPARTAMENTAL = "departamental"


class Committee(Base):
    """A Comité de Gobierno en Línea of one entity, living in one Telegram group."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    entity_name: Mapped[str] = mapped_column(String(200))
    # Chosen with buttons after /comite; None until the coordinador answers.
    orden: Mapped[str | None] = mapped_column(String(20))
    nivel: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(120))
    # The frameworks it follows, in order, comma-separated ("decreto_1151" for one).
    framework_id: Mapped[str] = mapped_column(String(200), default="decreto_1151")
    meeting_rule: Mapped[str | None] = mapped_column(String(120))
    # The informe period: months per period and the month the year's first period starts.
    informe_months: Mapped[int] = mapped_column(default=6)
    informe_start_month: Mapped[int] = mapped_column(default=2)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(back_populates="committee")

    @property
    def is_set_up(self) -> bool:
        return self.orden is not None and self.nivel is not None


class Person(Base):
    """A Telegram user gelbot knows, across all committees."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str | None] = mapped_column(String(200))
    # The full name as it is signed («ANA MARÍA PÉREZ GÓMEZ»), set in the chat; Telegram's
    # first and last name are often a nickname.
    full_name: Mapped[str | None] = mapped_column(String(200))
    # True once the person opened a private chat, so personal reminders can reach them.
    private_chat_open: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when a private send answered 403 (the person blocked the bot).
    private_blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    vacation_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p).strip()
        return full or (f"@{self.username}" if self.username else f"usuario {self.telegram_id}")

    @property
    def signing_name(self) -> str:
        """The name an acta or informe is signed with: the full name when one was given."""
        return self.full_name or self.display_name

    @property
    def reachable_privately(self) -> bool:
        return self.private_chat_open and not self.private_blocked


class Membership(Base):
    """A person's place in one committee: a role and, usually, a cargo."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("committee_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default=Role.MIEMBRO.value)
    cargo: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())

    committee: Mapped[Committee] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")

    @property
    def signing_name(self) -> str:
        """The full name the committee's documents show for this member (see Person)."""
        return self.person.signing_name
