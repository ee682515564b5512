import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_article_is_public_and_draft_is_not(client):
    public = ArticleFactory(headline="Public story")
    draft = ArticleFactory(headline="Secret draft", draft=True)
    assert list(type(public).objects.published()) == [public]
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
