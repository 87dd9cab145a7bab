"""The worker as real processes: a scheduled article's ``article.published`` is written once,
by one of several workers, within seconds of its instant, and sent to webhooks; its expiry
then gives one ``article.unpublished``."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from articles.events.models import Event
from tests.events.receiver import Receiver
from tests.events.test_worker import endpoint_for, running, wait_for
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.slow
def test_several_workers_tell_a_schedule_once_within_seconds(tmp_path):
    receiver = Receiver().start()
    endpoint_for(receiver)
    with running(tmp_path, receiver, workers=3):
        ArticleFactory(title="Warm-up")  # once it arrives, the workers are running
        wait_for(lambda: receiver.ids(), seconds=60)
        goes_live = timezone.now() + datetime.timedelta(seconds=2)
        article = ArticleFactory(
            title="Embargoed budget",
            published_at=goes_live,
            expires_at=goes_live + datetime.timedelta(seconds=2),
        )
        told = Event.objects.filter(object="article", object_id=article.pk)
        time.sleep(1)
        assert not told.filter(public=True).exists()  # not before its time
        wait_for(lambda: len(receiver.ids()) == 2, seconds=12)
        published = told.get(type="article.published")
        assert goes_live <= published.occurred_at <= goes_live + datetime.timedelta(seconds=10)
        wait_for(lambda: told.filter(type="article.unpublished").exists(), seconds=12)
        time.sleep(1)  # a second telling by another worker would be written now
    public = list(told.filter(public=True).order_by("id").values_list("type", flat=True))
    assert public == ["article.published", "article.unpublished"]
    assert len(receiver.ids()) == 2
