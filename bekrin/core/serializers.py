"""Reference shapes that many responses nest beside a foreign key (`"group": {"id", "display_name"}`)."""

from rest_framework import serializers


class PersonRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class GroupRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
