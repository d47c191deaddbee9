"""`pcmd figures-fingerprint [--year Y]`: every indicator for every province as JSON (to compare after a restore)."""

import json

from django.core.management.base import BaseCommand

from pcmd.ops.figures import all_figures


class Command(BaseCommand):
    help = "In mọi chỉ số của mọi tỉnh (năm nay và năm trước) dạng JSON, để so sánh sau khi phục hồi sao lưu."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year, **options):
        self.stdout.write(json.dumps(all_figures(year), sort_keys=True))
