from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review of collected transactions (queue, correct, approve, reject)"
