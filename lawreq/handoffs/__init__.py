"""Workflow notifications: who acts next is told, in-app at once and by e-mail through the reminder delivery."""
