"""core.integer_rows: a values_list query's integers as one array, on both databases.

On PostgreSQL the rows come by binary COPY and are parsed a block at a time; these
tests hold that path to what the ORM itself returns.
"""

import numpy as np
import pytest
from django.db.models import F, IntegerField, Value
from django.db.models.functions import Cast

from halyq.core.integer_rows import integer_rows
from halyq.directory.models import Region

pytestmark = pytest.mark.django_db


def _regions():
    """Fields and annotations interleaved, negative and beyond 32-bit values, a boolean."""
    return (
        Region.objects.order_by("id")
        .annotate(
            negative=Value(-7) - F("id"),
            large=F("id") + Value(2**40),
            city=Cast("is_city", IntegerField()),
        )
        .values_list("negative", "id", "city", "large")
    )


def test_the_rows_are_the_orms_rows_in_the_named_order():
    expected = np.array(list(_regions()), dtype=np.int64)
    table = integer_rows(_regions())
    assert table.dtype == np.int64
    assert len(table) == Region.objects.count() == 20
    assert np.array_equal(table, expected)
    assert table[:, 2].sum() == Region.objects.filter(is_city=True).count() > 0


@pytest.mark.parametrize("block_bytes", [1, 50, 10_000])
def test_rows_read_block_by_block_come_out_whole(block_bytes):
    # Blocks smaller than a row, a few rows with a remainder, and everything at once.
    assert np.array_equal(
        integer_rows(_regions(), block_bytes=block_bytes), np.array(list(_regions()))
    )


def test_no_rows_give_an_empty_table_of_the_right_width():
    table = integer_rows(_regions().filter(id__lt=0))
    assert table.shape == (0, 4)
    assert table.dtype == np.int64


def test_a_null_is_refused_not_misread():
    rows = Region.objects.annotate(nothing=Value(None, output_field=IntegerField())).values_list(
        "id", "nothing"
    )
    with pytest.raises(ValueError, match="NULL"):
        integer_rows(rows)
