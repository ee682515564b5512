"""Template access to renditions: {% picture image "card" %} and {{ image|card_image }}."""

from django import template
from django.utils.safestring import mark_safe

from articles import seo

from .. import body, renditions

register = template.Library()


@register.simple_tag
def picture(image, layout, eager=False):
    """A responsive <picture> for ``image`` in ``layout`` (see images.renditions.LAYOUTS)."""
    return renditions.picture(image, layout, eager=eager)


@register.filter
def card_image(image):
    """The absolute URL of ``image``'s social-card rendition, or ""."""
    url = renditions.card_image(image)
    return seo.absolute_url(url) if url else ""


@register.filter
def responsive_body(html):
    """Sanitized body HTML with its library pictures as responsive <picture>s (see images.body)."""
    return mark_safe(body.responsive_body(html))  # noqa: S308 (sanitized by nh3; pictures built with format_html)
