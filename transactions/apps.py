from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    name = "transactions"
    verbose_name = "Collected transactions: the core (lines, findings, validation, processing options)"
