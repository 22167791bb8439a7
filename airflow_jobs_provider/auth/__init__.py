"""Login to Airflow through LDAP, for members of the required groups only (FAB auth manager)."""
