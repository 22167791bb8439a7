@echo off
rem Talend exports carry a Windows launcher too; the runner ignores it.
python src\customer_sync.py %*
