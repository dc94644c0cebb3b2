"""Form helpers shared by the apps."""


def add_service_errors(form, exc):
    """Show a service's ValidationError on ``form``: errors keyed by a field of the form go
    next to that field, the rest to the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)
