"""One tick of the reminder engine: plan what changed, then send what is due."""

from __future__ import annotations

from dataclasses import dataclass

from gelbot.reminders.dispatcher import Dispatcher, DispatchReport
from gelbot.reminders.planner import PlanReport, plan


@dataclass
class TickReport:
    plan: PlanReport
    dispatch: DispatchReport

    def summary(self) -> str:
        """One line for operators (`gelbot tick`) and the logs."""
        d = self.dispatch
        dropped = ", ".join(f"{reason} {n}" for reason, n in sorted(d.dropped.items()) if n)
        return (
            f"planificados: {self.plan.scopes} ámbitos, {self.plan.created} recordatorios nuevos, "
            f"{self.plan.moved} movidos, {self.plan.withdrawn} retirados"
            f"{' (quedan ámbitos por planificar)' if self.plan.remaining else ''}; "
            f"enviados: {d.sent} mensajes ({d.rows_sent} recordatorios), "
            f"silenciosos: {d.done_silently}, aplazados: {d.deferred}, reintentos: {d.retried}, "
            f"fallidos: {d.failed}, descartados: {sum(d.dropped.values())}"
            f"{f' ({dropped})' if dropped else ''}, reclamados tras caída: {d.released}"
        )


async def tick(dispatcher: Dispatcher) -> TickReport:
    """Plan (only the scopes that need it) and dispatch, as of the services' clock."""
    planned = await plan(dispatcher.services, calendar=dispatcher.calendar)
    sent = await dispatcher.run()
    return TickReport(planned, sent)
